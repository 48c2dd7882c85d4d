"""Component ids, in one place so pages, callbacks and tests agree."""

PERIOD = "hdr-period"
SCOPE = "hdr-scope"
LANG = "hdr-lang"
VINTAGE = "hdr-vintage"
TITLE = "hdr-title"
NAV = "hdr-nav"
USER = "hdr-user"
PRINT = "hdr-print"
LOGOUT = "hdr-logout"
SHOWN = "hdr-shown"  # the data state the open page was drawn from
WATCH = "hdr-watch"
UPDATED = "hdr-updated"
LOCATION = "_pages_location"  # Dash Pages' own location: its search string carries the state

RANK_GRID = "rank-grid"
RANK_CHART = "rank-chart"
RANK_EXPORT_XLSX = "rank-export-xlsx"
RANK_EXPORT_CSV = "rank-export-csv"
RANK_DOWNLOAD = "rank-download"
RANK_GROUP = "rank-group"  # the 县域类型 filter (全部 / each type), kept in the URL as group=
RANK_HONOURS = "rank-honours"  # the honour lists card

COCKPIT_SCORE = "cockpit-score"
COCKPIT_TREND = "cockpit-trend"
COCKPIT_KPIS = "cockpit-kpis"
COCKPIT_COUNTY_MAP = "cockpit-county-map"
COCKPIT_PREF_MAP = "cockpit-pref-map"
COCKPIT_ATTENTION = "cockpit-attention"
COCKPIT_ATTENTION_XLSX = "cockpit-attention-xlsx"
COCKPIT_ATTENTION_CSV = "cockpit-attention-csv"
COCKPIT_ATTENTION_DOWNLOAD = "cockpit-attention-download"
COCKPIT_NAV = "cockpit-nav"  # a Location the tile clicks navigate through

METHOD_SCHEME_GRID = "method-scheme-grid"
METHOD_WEIGHTS_CHART = "method-weights-chart"
METHOD_SENTENCE = "method-sentence"
METHOD_PAIRS_GRID = "method-pairs-grid"
METHOD_ASSESSMENT = "method-assessment"  # county types, honour lists, adjustments and veto items
METHOD_RULES = "method-rules"
TARGETS_HEATMAP = "targets-heatmap"
TARGETS_LAGGING = "targets-lagging"
TARGETS_MIDYEAR = "targets-midyear"
TARGETS_MIDYEAR_GRID = "targets-midyear-grid"
IND_STATE = "ind-state"
IND_TITLE = "ind-title"
IND_SELECT = "ind-select"
IND_BAR = "ind-bar"
IND_HIST = "ind-hist"
IND_TILES = "ind-tiles"
IND_COUNTIES = "ind-counties"
IND_SERIES = "ind-series"
IND_GRID = "ind-grid"

COUNTY_STATE = "county-state"  # a dcc.Store with the page's county, quarter and language
COUNTY_TITLE = "county-title"
COUNTY_HONOURS = "county-honours"  # the county's types, rank within each, honours or veto
COUNTY_GRID = "county-grid"
COUNTY_WATERFALL = "county-waterfall"
COUNTY_WATERFALL_VS = "county-waterfall-vs"
COUNTY_STRENGTHS = "county-strengths"
COUNTY_TARGET_RANK = "county-target-rank"
COUNTY_GAPS = "county-gaps"
COUNTY_SERIES = "county-series"
COUNTY_SERIES_INDICATOR = "county-series-indicator"
DATA_COMPLETE_GRID = "data-complete-grid"
DATA_UPLOADS_GRID = "data-uploads-grid"
DATA_PROBLEMS_GRID = "data-problems-grid"

UPLOAD_DROP = "upload-drop"
UPLOAD_PERIOD = "upload-period"
UPLOAD_REASON = "upload-reason"
UPLOAD_PREVIEW = "upload-preview"
UPLOAD_COMMIT = "upload-commit"
UPLOAD_RESULT = "upload-result"
UPLOAD_JOB = "upload-job"  # the id of the preview's or commit's background job (layouts/background.py)
UPLOAD_POLL = "upload-poll"
HISTORY_GRID = "history-grid"
HISTORY_DOWNLOAD = "history-download"
HISTORY_DOWNLOAD_BTN = "history-download-btn"
HISTORY_ROLLBACK_BTN = "history-rollback-btn"
HISTORY_CONFIRM = "history-confirm"
HISTORY_CONFIRM_OK = "history-confirm-ok"
HISTORY_NOTE = "history-note"
HISTORY_MESSAGE = "history-message"
HISTORY_DETAILS = "history-details"
HISTORY_PROBLEMS = "history-problems"
PERIODS_GRID = "periods-grid"
PERIODS_PERIOD = "periods-period"
PERIODS_DATE = "periods-date"
PERIODS_REASON = "periods-reason"
PERIODS_SAVE = "periods-save"
PERIODS_MESSAGE = "periods-message"
AUDIT_GRID = "audit-grid"
AUDIT_EXPORT_XLSX = "audit-export-xlsx"
AUDIT_EXPORT_CSV = "audit-export-csv"
AUDIT_DOWNLOAD = "audit-download"
AUDIT_USER = "audit-user"
AUDIT_ACTION = "audit-action"
AUDIT_OUTCOME = "audit-outcome"
AUDIT_DATES = "audit-dates"
AUDIT_TEXT = "audit-text"
AUDIT_PAGE = "audit-page"
AUDIT_TOTAL = "audit-total"
AUDIT_LANG = "audit-lang"
USERS_GRID = "users-grid"
USERS_MESSAGE = "users-message"
USERS_RESET = "users-reset"
USERS_DISABLE = "users-disable"
USERS_ENABLE = "users-enable"
USERS_NAME = "users-name"
USERS_DISPLAY = "users-display"
USERS_ROLE = "users-role"
USERS_SCOPE = "users-scope"
USERS_ADD = "users-add"

BRIEF_PREVIEW = "brief-preview"
BRIEF_REQUIREMENTS = "brief-requirements"  # the editable 下一步工作要求 (uploaders), one paragraph per line
BRIEF_DOCX = "brief-docx"
BRIEF_PDF = "brief-pdf"
BRIEF_DOWNLOAD = "brief-download"
BRIEF_MESSAGE = "brief-message"
BRIEF_JOB = "brief-job"  # the id of the file's background job (layouts/background.py)
BRIEF_POLL = "brief-poll"

PREF_STATE = "pref-state"  # a dcc.Store with the page's prefecture, quarter, month and language
PREF_TITLE = "pref-title"
PREF_TREND = "pref-trend"
PREF_GRID = "pref-grid"
PREF_WATERFALL = "pref-waterfall"
PREF_WATERFALL_VS = "pref-waterfall-vs"
PREF_TARGET_RANK = "pref-target-rank"
PREF_GAPS = "pref-gaps"
PREF_COUNTIES = "pref-counties"

# ---------------------------------------------------------------- 台账 pages (layouts/pages/ledger.py; h-pages)
LEDGER_STATE = "ledger-state"  # a dcc.Store with the page's kind, date, county, scope and language
LEDGER_TITLE = "ledger-title"
LEDGER_DATE = "ledger-date"
LEDGER_TEMPLATE = "ledger-template"
LEDGER_TEMPLATE_DOWNLOAD = "ledger-template-download"
LEDGER_TOTALS = "ledger-totals"
LEDGER_COUNTIES = "ledger-counties"
LEDGER_OVERDUE = "ledger-overdue"
LEDGER_ITEMS = "ledger-items"
LEDGER_TREND = "ledger-trend"
LEDGER_UNITS = "ledger-units"  # the box the unit ranking is drawn into
LEDGER_UNITS_GRID = "ledger-units-grid"
LEDGER_UNIT_MEASURE = "ledger-unit-measure"
LEDGER_CADENCE = "ledger-cadence"
LEDGER_UNIT_KIND = "ledger-unit-kind"
LEDGER_UNIT_COUNTY = "ledger-unit-county"
LEDGER_ZERO = "ledger-zero"  # 未破零 units, named
LEDGER_NOT_REPORTED = "ledger-not-reported"  # 未上报 units, named apart
COUNTY_LEDGERS = "county-ledgers"  # the county page's 台账 lines
COCKPIT_LEDGERS = "cockpit-ledgers"  # the cockpit's 重点工作台账 card
# ---- ledger and units uploads on 数据上报 (issue #12) ----
UPLOAD_AS_OF = "upload-as-of"  # the 截至日期 of a ledger file that does not say it


def upload_template(key: str) -> str:
    """The button that downloads a template: a ledger kind's code, or units | unit_tasks | unit_reports."""
    return f"upload-template-{key}"


def upload_template_download(key: str) -> str:
    return f"upload-template-{key}-download"
