/*
 * A seccomp filter for the sandbox, handed to bubblewrap (`--seccomp`), which installs it just before it
 * executes the program: no preload or interpreter flag of the program's can run before it (the bypass of
 * dify-sandbox #27). The namespaces already keep the program from the host; the filter narrows the kernel
 * surface the program can reach around them, and closes the one channel they leave between runs, the user
 * keyring. Denied calls fail with EPERM, as a call the program lacks the privilege for would.
 */

/** Denied system calls, by name: kernel surface an interpreter never needs and exploits often use. */
const DENIED = [
  'add_key', 'request_key', 'keyctl', // the keyrings are not namespaced: a channel between runs
  'ptrace', 'process_vm_readv', 'process_vm_writev',
  'bpf', 'perf_event_open', 'userfaultfd', 'io_uring_setup', 'io_uring_enter', 'io_uring_register',
  'unshare', 'setns', 'mount', 'umount2', 'pivot_root', 'open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick',
  'open_by_handle_at', 'name_to_handle_at', // the "shocker" container escape
  'init_module', 'finit_module', 'delete_module', 'kexec_load', 'kexec_file_load', 'reboot', 'swapon', 'swapoff', 'acct', 'syslog',
] as const;
type Syscall = (typeof DENIED)[number];

type Architecture = { audit: number; numbers: Record<Syscall, number>; x32: boolean };

/** From the kernel's syscall tables (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h). */
const ARCHITECTURES: Partial<Record<NodeJS.Architecture, Architecture>> = {
  x64: {
    audit: 0xc000003e,
    x32: true,
    numbers: {
      add_key: 248, request_key: 249, keyctl: 250, ptrace: 101, process_vm_readv: 310, process_vm_writev: 311,
      bpf: 321, perf_event_open: 298, userfaultfd: 323, io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427,
      unshare: 272, setns: 308, mount: 165, umount2: 166, pivot_root: 155, open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433,
      open_by_handle_at: 304, name_to_handle_at: 303,
      init_module: 175, finit_module: 313, delete_module: 176, kexec_load: 246, kexec_file_load: 320, reboot: 169, swapon: 167, swapoff: 168, acct: 163, syslog: 103,
    },
  },
  arm64: {
    audit: 0xc00000b7,
    x32: false,
    numbers: {
      add_key: 217, request_key: 218, keyctl: 219, ptrace: 117, process_vm_readv: 270, process_vm_writev: 271,
      bpf: 280, perf_event_open: 241, userfaultfd: 282, io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427,
      unshare: 97, setns: 268, mount: 40, umount2: 39, pivot_root: 41, open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433,
      open_by_handle_at: 265, name_to_handle_at: 264,
      init_module: 105, finit_module: 273, delete_module: 106, kexec_load: 104, kexec_file_load: 294, reboot: 142, swapon: 224, swapoff: 225, acct: 89, syslog: 116,
    },
  },
};

// Classic BPF, as seccomp reads it: struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }.
const LD_ABS_W = 0x20;
const JEQ = 0x15;
const JGE = 0x35;
const RET = 0x06;
const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO_EPERM = 0x00050000 | 1;
const X32_SYSCALL_BIT = 0x40000000;
/** Offsets in struct seccomp_data. */
const NR = 0;
const ARCH = 4;

type Instruction = [code: number, jt: number, jf: number, k: number];

/**
 * The filter for this machine's architecture, as the bytes bubblewrap reads; undefined where the platform
 * has no syscall table (the namespaces and limits still hold there, docs/code-runner.md says so).
 */
export const seccompFilter = (arch: NodeJS.Architecture = process.arch): Buffer | undefined => {
  const architecture = ARCHITECTURES[arch];
  if (!architecture) return undefined;
  const numbers = DENIED.map((name) => architecture.numbers[name]);
  const checks = numbers.length + (architecture.x32 ? 1 : 0);
  const denyAt = 4 + checks + 1; // the index of the EPERM return
  const program: Instruction[] = [
    [LD_ABS_W, 0, 0, ARCH],
    [JEQ, 1, 0, architecture.audit],
    [RET, 0, 0, SECCOMP_RET_KILL_PROCESS], // another ABI's numbers mean other calls: nothing of it may run
    [LD_ABS_W, 0, 0, NR],
  ];
  if (architecture.x32) program.push([JGE, denyAt - (program.length + 1), 0, X32_SYSCALL_BIT]);
  for (const nr of numbers) program.push([JEQ, denyAt - (program.length + 1), 0, nr]);
  program.push([RET, 0, 0, SECCOMP_RET_ALLOW], [RET, 0, 0, SECCOMP_RET_ERRNO_EPERM]);
  const bytes = Buffer.alloc(program.length * 8);
  program.forEach(([code, jt, jf, k], i) => {
    bytes.writeUInt16LE(code, i * 8);
    bytes.writeUInt8(jt, i * 8 + 2);
    bytes.writeUInt8(jf, i * 8 + 3);
    bytes.writeUInt32LE(k, i * 8 + 4);
  });
  return bytes;
};
