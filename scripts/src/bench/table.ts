export type Column = { title: string; align: 'left' | 'right' };

/** Plain text with aligned columns, so it reads the same in a terminal and in Markdown code blocks. */
export const formatTable = (columns: readonly Column[], rows: readonly string[][]): string => {
  const widths = columns.map((column, c) => Math.max(column.title.length, ...rows.map((row) => row[c]?.length ?? 0)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, c) => {
        const cell = cells[c] ?? '';
        return column.align === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};
