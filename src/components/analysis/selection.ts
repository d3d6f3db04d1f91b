/** The selection after a click on a trial in an analysis view: the trial alone, or toggled with ctrl/meta. */
export function selectionAfterClick(selected: readonly string[], id: string, toggle: boolean): string[] {
  if (!toggle) return [id];
  return selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id];
}
