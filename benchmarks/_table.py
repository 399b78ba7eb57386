"""A Markdown table, aligned, for the benchmarks' output (and the README)."""


def markdown_table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]

    def line(cells):
        return "| " + " | ".join(
            str(cell).rjust(width) if index in right else str(cell).ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths))
        ) + " |"

    rule = "|" + "|".join(
        "-" * (width + 1) + ":" if index in right else "-" * (width + 2)
        for index, width in enumerate(widths)
    ) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
