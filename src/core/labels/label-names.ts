// Which array or column names look like labels, shared by automatic pairing in the UI and the CLI's defaults.

export const LABEL_NAME = /^(y|labels?|targets?|class(es)?|lang|truth)$/i;

/** The column to use as labels when none is named: a label-like name first, then anything but a row index. */
export function preferredLabelColumn(names: readonly string[]): string | undefined {
  return (
    names.find((n) => LABEL_NAME.test(n)) ?? names.find((n) => !/^(row|index|idx|id|unnamed: ?0)$/i.test(n)) ?? names[0]
  );
}
