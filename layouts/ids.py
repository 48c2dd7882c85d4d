"""Component ids, in one place so pages, callbacks and tests agree."""

PERIOD = "hdr-period"
SCOPE = "hdr-scope"
LANG = "hdr-lang"
VINTAGE = "hdr-vintage"
TITLE = "hdr-title"
NAV = "hdr-nav"
LOCATION = "_pages_location"  # Dash Pages' own location: its search string carries the state

RANK_GRID = "rank-grid"
RANK_CHART = "rank-chart"
RANK_EXPORT_XLSX = "rank-export-xlsx"
RANK_EXPORT_CSV = "rank-export-csv"
RANK_DOWNLOAD = "rank-download"
