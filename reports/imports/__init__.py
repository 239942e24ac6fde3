"""Excel imports (DESIGN.md §5: all or nothing, validated per row and per cell).

reader      opening an untrusted .xlsx safely, and reading its cells
rows        column declarations and cell parsers
engine      validate every row, then write all of them in one transaction
organizations, problems   the two kinds of import
template    the downloadable templates
storage     an upload kept between its preview and its confirmation
views, forms, urls        the upload page with its preview
"""
