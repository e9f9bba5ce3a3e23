package io.github.shootdualstack.cli;

import java.util.ArrayList;
import java.util.List;

/** Columns aligned as {@code kubectl get} aligns them; the last column is never padded. */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        if (header.length > 0) {
            rows.add(header);
        }
    }

    /** A row; an absent value shows as "-". */
    void row(String... cells) {
        String[] shown = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            shown[i] = cells[i] == null ? "-" : cells[i];
        }
        rows.add(shown);
    }

    String indented(String indent) {
        int columns = rows.stream().mapToInt(row -> row.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.length; i++) {
                line.append(i < row.length - 1 ? String.format("%-" + (widths[i] + 2) + "s", row[i]) : oneLine(row[i]));
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return indented("");
    }

    /** A cell on one line, cut to {@code width} characters. */
    static String cut(String text, int width) {
        String line = oneLine(text);
        return line.length() <= width ? line : line.substring(0, width - 1) + "…";
    }

    private static String oneLine(String text) {
        return text == null ? "-" : text.replaceAll("\\s*\\R\\s*", " ");
    }
}
