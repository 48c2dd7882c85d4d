"""Interface text in Chinese (default) and English, and number formats for each language.

Indicator and region names come from the catalogue and the region list, not from here.
"""

import datetime as dt
import json
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd

from indicators import pipeline, progress, rules, scheme
from loaders import catalogue, county_types, ledger_ingest, ledger_kinds, parsed, regions, units, upload_ingest, users

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT = {
    "app_title": ("县域经济高质量发展监测平台", "County Economic Monitoring Dashboard"),
    "simulated": ("模拟数据", "Simulated data"),
    "period": ("期间", "Period"),
    "scope": ("比较范围", "Comparison set"),
    "scope_province": ("全省县区", "All counties"),
    "scope_prefectures": ("{n_prefectures}个市州", "{n_prefectures} prefectures"),
    "vintage": ("最新上传", "Latest upload"),
    "data_state": ("数据状态", "Data state"),
    "data_updated": ("数据已更新（数据状态 {state}），本页仍是更新前的数据。", "The data has been updated (data state {state}); this page still shows the earlier data. "),
    "data_updated_reload": ("刷新页面", "Reload the page"),
    "newer_computing": ("；最新上传的数据正在计算，稍后刷新页面即可看到（新数据状态 {state}）",
                        "; the latest upload's data is being computed: reload shortly to see it (new data state {state})"),
    "period_unreleased": ("（未发布）", " (not released)"),
    "nav_cockpit": ("总览", "Overview"),
    "nav_rankings": ("排名", "Rankings"),
    "nav_data": ("数据", "Data"),
    "nav_upload": ("数据上报", "Upload"),
    "nav_history": ("上报记录", "Upload history"),
    "nav_periods": ("关库与目标", "Closing & targets"),
    "nav_audit": ("审计日志", "Audit log"),
    "nav_users": ("用户管理", "Users"),
    "logout": ("退出", "Log out"),
    # Registry members (see VOCABULARY below): each registry's members under one prefix.
    "role_viewer": ("查看", "viewer"),
    "role_uploader": ("上报", "uploader"),
    "role_admin": ("管理", "admin"),
    "scope_city": ("市内县区", "Counties of one prefecture"),
    "status_ok": ("达标", "On target"),
    "status_near": ("接近", "Close"),
    "status_behind": ("落后", "Behind"),
    "status_far": ("严重落后", "Far behind"),
    "status_none": ("无数据", "No data"),
    "pace_done": ("已完成", "Done"),
    "pace_on_track": ("进度正常", "On track"),
    "pace_improving": ("追赶中", "Catching up"),
    "pace_stagnating": ("进展缓慢", "Slow"),
    "pace_falling": ("持续落后", "Falling behind"),
    "pace_missed": ("未完成", "Missed"),
    "growth_positive": ("正增长", "growth"),
    "growth_flat": ("持平", "flat"),
    "growth_negative": ("负增长", "decline"),
    **{f"format_{code}": names for code, names in upload_ingest.format_names().items()},  # declared once
    "print": ("打印", "Print"),
    "period_months": ("月度累计（1–N月）", "Year to date (by month)"),
    "period_quarters": ("季度（综合评价）", "Quarters (composite score)"),
    "quarter_of_month": ("综合评价按季度计算：所选 {month} 对应最近一个已关库季度 {quarter}",
                         "The composite score is quarterly: {month} shows the latest closed quarter, {quarter}"),
    "upload_title": ("数据上报", "Upload statistics"),
    "upload_hint": ("可上传：统计月报宽表（Excel 导出的 GBK 或 UTF-8 CSV，或 .xlsx，可含合并表头）、长表 CSV、按指标分表的分月表、"
                    "目标任务表，以及各类台账和下辖单位名单、年度任务、上报记录（按下方模板）。可一次选多个文件；单个文件不超过 {mb} MB。先预览：列出文件格式、期间、地区、每一处错误和提示，"
                    "以及将新增、修订（原值 → 新值）和不变的数值；确认后整份写入，可在“上报记录”中撤销。",
                    "Accepted: the 统计月报 wide sheet (GBK or UTF-8 CSV exported from Excel, or .xlsx with merged headers), "
                    "long CSV, one sheet per indicator with months as columns, targets sheets, and the ledgers and "
                    "units lists, tasks and reports (templates below). Several files at once; "
                    "at most {mb} MB each. The preview lists the format, period, regions, every error and warning and the "
                    "values that would be added, revised (old → new) or unchanged; commit writes each file whole and can "
                    "be undone under Upload history. Validation messages are in Chinese."),
    "upload_drop": ("把文件拖到这里，或 ", "Drop files here, or "),
    "upload_pick": ("点击选择文件", "click to choose"),
    "upload_period": ("期间（表中没有标题行、标题和文件名都没有期间时必填）",
                      "Period (required when neither a title row nor the file name gives it)"),
    "upload_period_ph": ("如 2026-10 或 2026年1-10月", "e.g. 2026-10"),
    "upload_reason": ("更正原因（更正已统计关库的期间时必填）", "Reason (required to correct a closed period)"),
    "upload_reason_ph": ("如：企业更正 8 月数据", "e.g. enterprise corrected August"),
    "upload_commit": ("确认写入", "Commit"),
    "periods_title": ("统计关库日期", "Data closing dates"),
    "periods_note": ("关库日期之前可以直接更正；之后该期间锁定，更正须在上传时写明原因，作为新版本保存。默认关库日为次月5日。"
                     "修改关库日期需要管理员权限。",
                     "Before its closing date a period may be corrected directly; after it the period is locked and a "
                     "correction needs a reason and is kept as a new version. Default: the 5th of the next month. "
                     "Only admins change closing dates."),
    "periods_col_period": ("期间", "Period"),
    "periods_col_closing": ("关库日期", "Closing date"),
    "periods_col_state": ("状态", "State"),
    "periods_col_set_by": ("设定", "Set by"),
    "periods_reason": ("原因（必填）", "Reason (required)"),
    "periods_save": ("保存关库日期", "Save closing date"),
    "targets_edit_title": ("年度目标", "Annual targets"),
    "targets_edit_note": ("选年份和指标，直接在表中修改目标值（增速目标为 %，总量目标按指标单位），写明原因后保存；"
                          "保存即作为一次新的目标上传，可在“上报记录”中查看和撤销。也可在“数据上报”页上传目标任务表。",
                          "Pick a year and an indicator, edit the targets in the grid (growth in %, levels in the "
                          "indicator's unit), give a reason and save: the change becomes a new targets upload that "
                          "Upload history can show and withdraw. A targets file can also be uploaded."),
    "targets_edit_year": ("年份", "Year"),
    "targets_edit_indicator": ("指标", "Indicator"),
    "targets_edit_reason": ("修改原因", "Reason"),
    "targets_edit_save": ("保存目标修改", "Save targets"),
    "targets_col_region": ("地区", "Region"),
    "targets_col_code": ("代码", "Code"),
    "targets_col_growth": ("增速目标（%）", "Growth target (%)"),
    "targets_col_level": ("总量目标", "Level target"),
    "audit_title": ("审计日志", "Audit log"),
    "audit_note": ("最新在前，每页 {n} 条；只追加、不可修改。导出为筛选出的全部记录。同一地址、同一原因的未登录请求被拒绝时，"
                   "每分钟只记第一次，其余合并为一条计数。",
                   "Newest first, {n} entries a page; append-only. Exports hold every entry the filter selects. Refused "
                   "anonymous requests from one address for one reason are written once a minute, the rest counted "
                   "into one entry."),
    "audit_total": ("共 {n} 条，第 {page} / {pages} 页", "{n} entries, page {page} of {pages}"),
    "audit_user": ("用户", "User"),
    "audit_action": ("操作", "Action"),
    "audit_outcome": ("结果", "Outcome"),
    "audit_dates": ("日期（北京）", "Dates (Beijing)"),
    "audit_text": ("搜索对象、详情、IP", "Search target, detail, IP"),
    "audit_any": ("全部", "All"),
    "users_title": ("用户管理", "Users"),
    "users_note": ("新账号和重置的密码都是随机生成、只在这里显示一次，请当面或经保密渠道转交本人。范围填市州或县区代码"
                   "（逗号分隔），不填为全省。",
                   "New and reset passwords are random and shown here once: hand them over in person or through a "
                   "confidential channel. Scope: prefecture or county codes, comma-separated; empty = the province."),
    "users_reset": ("重置所选用户密码", "Reset password"),
    "users_disable": ("停用", "Disable"),
    "users_enable": ("启用", "Enable"),
    "users_add_title": ("添加用户", "Add an account"),
    "users_name": ("用户名", "User name"),
    "users_display": ("显示名", "Display name"),
    "users_role": ("角色", "Role"),
    "users_scope": ("范围（代码）", "Scope (codes)"),
    "users_add": ("添加", "Add"),
    "history_title": ("上报记录", "Upload history"),
    "history_note": ("最新在前。选中一行可查看其提示、下载原文件或撤销该次上传；撤销后其数值不再有效，之前的版本恢复，历史保留。",
                     "Newest first. Select a row to see its warnings, download the original file or withdraw the upload; "
                     "withdrawing restores the previous values and keeps the history."),
    "history_download": ("下载原文件", "Download original"),
    "history_rollback": ("撤销所选上传…", "Withdraw selected…"),
    "history_confirm": ("确认撤销上传", "Confirm withdrawal"),
    "history_reason": ("撤销原因（记入审计日志）", "Reason (kept in the audit log)"),
    "history_reason_ph": ("如：误传了上月文件", "e.g. last month's file uploaded by mistake"),
    "history_confirm_ok": ("确认撤销", "Withdraw"),
    "history_details": ("上传 #{id}（{file}）· 期间 {periods} · 提示 {n} 条", "Upload #{id} ({file}) · periods {periods} · "
                        "{n} warnings"),
    "rank": ("名次", "Rank"),
    "region": ("地区", "Region"),
    "score": ("综合得分", "Composite score"),
    # A composite score depends on its comparison set: every score on screen says which.
    "score_province": ("全省得分", "Score among the province's counties"),
    "score_city": ("市内得分", "Score within the city"),
    "score_prefectures": ("市州间得分", "Score among the prefectures"),
    "col_prefecture": ("所属市州", "Prefecture"),
    "change": ("较上季", "vs last quarter"),
    "interval": ("名次区间(5–95%)", "Rank interval (5–95%)"),
    "median_rank": ("名次中位数", "Median rank"),
    "not_distinct": ("与相邻名次无实质差别", "Not really different from"),
    "rankings_title": ("综合评价排名", "Composite ranking"),
    "rankings_file": ("排名", "Ranking"),
    "rankings_chart": ("综合得分与名次区间", "Scores with rank intervals"),
    "bottom_three": ("后三位", "Bottom three"),
    "quarter_note": ("季度评价按季末数据计算", "Quarterly scores use quarter-end data"),
    "unranked": ("未排名", "Not ranked"),
    "export_xlsx": ("导出 Excel", "Export Excel"),
    "export_csv": ("导出 CSV", "Export CSV"),
    # 总览 (cockpit)
    "cockpit_rank_of": ("全省{n}个市州第{r}位", "Rank {r} of {n} prefectures"),
    "cockpit_trend": ("近八个季度名次与得分", "Rank and score, last eight quarters"),
    "cockpit_kpis": ("主要指标完成情况", "Headline indicators"),
    "cockpit_growth": ("增速", "Growth"),
    "cockpit_target_growth": ("目标增长{target}%，差距{gap}", "Target growth {target}%, gap {gap}"),
    "cockpit_target_rate": ("目标{target}%，差距{gap}", "Target {target}%, gap {gap}"),
    "cockpit_completion": ("年度目标{target}，完成{c}%（序时{s}%），差距{gap}",
                           "Annual target {target}: {c}% done (schedule {s}%), gap {gap}"),
    "cockpit_growth_rank": ("增速全省第{r}位（{n}个市州）", "Growth rank {r} of {n} prefectures"),
    "cockpit_no_target": ("未下达目标", "No target set"),
    "cockpit_county_map": ("{city}各县区综合得分", "Composite score of the counties of {city}"),
    "cockpit_pref_map": ("全省{n_prefectures}个市州综合得分", "Composite score of the {n_prefectures} prefectures"),
    "cockpit_rank_in_city": ("市内第{}名", "#{} in city"),
    "cockpit_rank_in_province": ("第{}名", "#{}"),
    "cockpit_map_hint": ("点击县区方块查看该县区详情", "Click a county tile for its details"),
    "cockpit_pref_hint": ("粗框为本市州；点击其他市州切换", "Outlined: this prefecture; click another to switch"),
    "cockpit_attention": ("需要关注", "Needs attention"),
    "cockpit_attention_rule": ("判断规则（对照全省{n}个县区）：{rules}", "Rules (against the province's {n} counties): {rules}"),
    "cockpit_attention_rules_error": ("需要关注规则文件有误，请修正后刷新", "The attention rules file has problems: fix it and reload"),
    "cockpit_attention_carried": ("（{year}年规则，本年规则未发布）", " (the {year} rules: this year's are not yet published)"),
    "attention_col_code": ("代码", "Code"),
    "attention_col_region": ("县区", "County"),
    "attention_col_indicator": ("指标", "Indicator"),
    "attention_col_rule_id": ("规则代码", "Rule id"),
    "attention_col_rule": ("规则", "Rule"),
    "attention_col_facts": ("情况", "Facts"),
    "attention_col_numbers": ("数值", "Numbers"),
    "cockpit_attention_none": ("本期没有需要特别关注的县区指标", "Nothing needs special attention this period"),
    "cockpit_no_score": ("本季度暂无综合得分", "No composite score for this quarter"),
    # 方法 (method), 目标 (targets), 指标 (indicator) pages
    "nav_indicator": ("指标", "Indicator"),
    "nav_targets": ("目标", "Targets"),
    "nav_method": ("方法", "Method"),
    "nav_brief": ("通报", "Brief"),
    "brief_no_data": ("库中还没有可通报的期间", "No period to report on yet"),
    "brief_making": ("正在生成文件，完成后自动下载…", "Making the file; it downloads when ready…"),
    "brief_job_gone": ("生成任务已失效，请重新点击下载", "The file's job has expired: click download again"),
    "brief_quarter": ("综合评价为{q}（截至该月最近一个季度）", "composite score: {q} (the latest quarter by then)"),
    "brief_docx": ("下载 DOCX", "Download DOCX"),
    "brief_scope_note": ("通报按市州的县区或全省各市州编写：这里是{name}的通报；在页眉选“{n_prefectures}个市州”看全省各市州的通报。",
                         "Briefs cover a city's counties or the province's prefectures: this is the brief for {name}; "
                         "choose the {n_prefectures} prefectures in the header for theirs."),
    "brief_pdf": ("下载 PDF", "Download PDF"),
    "brief_requirements": ("下一步工作要求", "Next steps (下一步工作要求)"),
    "brief_requirements_help": ("可在下载前修改，每行一段；留空则用默认文字。其余内容由数据生成，不可修改。",
                                "Edit before downloading, one paragraph per line; empty keeps the default text. "
                                "Everything else is generated from the data."),
    "brief_requirements_readonly": ("由市统计局（上报账号）修改；下载的文件用默认文字。",
                                    "Edited by the bureau (uploader accounts); downloads use the default text."),
    "method_title": ("评价方法", "Method"),
    "method_no_quarter": ("库中还没有季度数据", "No quarterly data in the store yet"),
    "method_no_scheme": ("{year}年没有评价方案（data/schemes/{year}.toml），无法说明评价方法",
                         "No assessment scheme for {year} (data/schemes/{year}.toml)"),
    "method_unit_counties": ("县区", "counties"),
    "method_unit_prefectures": ("市州", "prefectures"),
    "method_scheme": ("评价方案：指标、权重与评分方法", "The scheme: indicators, weights and scoring"),
    "method_pillar": ("维度", "Pillar"),
    "method_indicator": ("指标", "Indicator"),
    "method_measure": ("口径", "Measure"),
    "method_direction": ("方向", "Direction"),
    "method_weight": ("方案权重", "Weight"),
    "method_effective": ("实际权重", "Effective weight"),
    "method_scoring": ("评分方法", "Scoring"),
    "method_how": ("计分规则", "How it scores"),
    "method_measure_cum_yoy": ("累计增速", "YTD growth"),
    "method_measure_cum_level": ("累计值", "YTD level"),
    "method_measure_ratio": ("比率", "Ratio"),
    "method_measure_month_level": ("当月值", "Month level"),
    "method_measure_month_yoy": ("当月增速", "Month growth"),
    "method_direction_up": ("正向", "Higher is better"),
    "method_direction_down": ("逆向", "Lower is better"),
    "method_scoring_efficacy": ("功效系数法", "Efficacy coefficient"),
    "method_scoring_minmax": ("极差标准化", "Min-max"),
    "method_scoring_zscore": ("标准分", "z-score"),
    "method_scoring_goalposts": ("门槛法", "Goalposts"),
    "method_scoring_rank_points": ("争先进位", "Rank points"),
    "method_scoring_target": ("目标完成", "Target met"),
    "method_scoring_achievement": ("实现程度", "Achievement"),
    "method_how_efficacy": ("60 + 40·x′（x′ 为在比较范围内的相对位置，最差 60 分、最好 100 分）",
                            "60 + 40·x′ (x′: position in the set; worst 60, best 100)"),
    "method_how_minmax": ("100·(x − 最小值)/(最大值 − 最小值)：最差 0 分、最好 100 分",
                          "100·(x − min)/(max − min): worst 0, best 100"),
    "method_how_zscore": ("(x − 平均值)/标准差：高于平均为正、低于平均为负",
                          "(x − mean)/sd: above the mean positive, below negative"),
    "method_how_goalposts": ("100·(x − {lower})/({upper} − {lower})，{lower} 以下 0 分、{upper} 以上 100 分",
                             "100·(x − {lower})/({upper} − {lower}): 0 below {lower}, 100 above {upper}"),
    "method_how_goalposts_neg": ("越低越好：{lower} 以下 100 分、{upper} 以上 0 分，其间按比例",
                                 "Bounds {lower} and {upper}, lower is better: 100 at or below {lower}, 0 at or above {upper}"),
    "method_how_rank_points": ("第一名 {full} 分，每后退一位少 {step}%", "First place {full} points, {step}% less per place"),
    "method_how_target": ("完成目标得满分，未完成得 0 分", "Full marks when the target is met, else 0"),
    "method_how_target_partial": ("完成目标得满分，未完成按 实际/目标 计分", "Full marks when met, else actual / target"),
    "method_how_achievement": ("100·min(实际/目标, 1)，超额完成不加分",
                               "100·min(actual / target, 1): the share of the target reached, no extra for exceeding it"),
    "method_weights": ("实际使用的权重与熵权法、CRITIC 法权重对比", "Weights used beside entropy and CRITIC weights"),
    "method_weights_note": ("熵权法和 CRITIC 法按本比较范围的数据计算，仅作诊断参考：与方案权重差距大的指标，说明其数据区分度与方案设定的重要性不一致；综合得分只使用方案权重。",
                            "Entropy and CRITIC weights are computed from this comparison set's data as diagnostics only; "
                            "a large difference from the scheme weight means the data separate units more (or less) than the "
                            "scheme says the indicator matters. Scores use the scheme weights only."),
    "method_weights_used": ("实际权重", "Weight used"),
    "method_weights_entropy": ("熵权法", "Entropy"),
    "method_weights_critic": ("CRITIC 法", "CRITIC"),
    "method_weights_axis": ("权重（%）", "Weight (%)"),
    "method_weights_mode_fixed": ("方案固定权重", "fixed by the scheme"),
    "method_weights_mode_equal": ("等权", "equal"),
    "method_weights_mode_entropy": ("熵权法", "entropy"),
    "method_weights_mode_critic": ("CRITIC 法", "CRITIC"),
    "method_agg_arithmetic": ("加权算术平均", "weighted arithmetic mean"),
    "method_agg_geometric": ("加权几何平均", "weighted geometric mean"),
    "method_fact_weights": ("权重：{mode}，全年不变；某项缺数时，其余指标的权重按比例放大", "Weights: {mode}, frozen for the year; when an indicator is missing the others are scaled up"),
    "method_fact_aggregation": ("汇总：先按维度、再按总分，{agg}", "Aggregation: pillars first, then the total, {agg}"),
    "method_rules": ("约谈与需要关注规则（{file}）", "Interview and attention rules ({file})"),
    "method_rules_carried": ("本年规则未发布，沿用{year}年规则", "This year's rules are not yet published: the {year} rules apply"),
    "method_rules_interview": ("约谈：各比较范围内的单位与本范围比较", "Interviews (约谈): the units of a comparison set against that set"),
    "method_rules_attention": ("需要关注（总览）：本市州各县区与全省县区比较", "Needs attention (overview): a prefecture's counties against the province's counties"),
    "method_rules_indicators": ("指标：{names}", "indicators: {names}"),
    "method_rules_scheme": ("当年评价方案的指标", "the year's scheme indicators"),
    "rule_kind_composite_bottom": ("综合得分位列后{places}位", "composite score in the bottom {places}"),
    "rule_kind_composite_bottom_running": ("综合得分连续{quarters}个季度位列后{places}位",
                                           "composite score in the bottom {places} for {quarters} quarters running"),
    "rule_kind_indicator_negative_bottom": ("负增长且位列后{places}位", "negative growth and in the bottom {places}"),
    "rule_kind_indicator_bottom": ("位列后{places}位（有增速的按增速）", "in the bottom {places} (on growth where published)"),
    "rule_kind_indicator_negative": ("累计增速为负", "negative YTD growth"),
    "rule_kind_behind_schedule": ("完成年度目标低于序时进度{pp}个百分点及以上", "{pp} pp or more behind the linear schedule"),
    "rule_kind_indicator_last": ("位列末位", "last of the set"),
    "rule_kind_ledger_overdue": ("{ledger}超期事项{items}件及以上（截至当月台账）",
                                 "{items} or more overdue items on the {ledger} (the month's snapshot)"),
    "rule_kind_ledger_rate_last": ("{ledger}比率在有台账的县区中最低", "lowest rate on the {ledger} among counties with one"),
    "rule_kind_ledger_rate_below": ("{ledger}比率低于{rate}%", "rate on the {ledger} below {rate}%"),
    "rule_kind_units_zero": ("下辖单位“{measure}”未破零{units}个及以上（未上报不计）",
                             "{units} or more units at zero on “{measure}” (not reported is not zero)"),
    "method_fact_coverage": ("有数据的指标权重合计不足 {pct}% 的单位不参与排名", "Units with data for less than {pct}% of the weight are not ranked"),
    "method_fact_robustness": ("名次区间：{draws} 次随机改变方法选择（各项权重 ±{noise}%、算术或几何平均、功效系数法/门槛法/极差标准化），取名次的 5%–95% 分位",
                               "Rank interval: {draws} random changes of the method (each weight ±{noise}%, arithmetic or geometric mean, efficacy / goalposts / min-max), 5th–95th percentile of the rank"),
    "method_sensitivity": ("排名的稳健性", "How sensitive the ranking is"),
    "method_sens_sentence": ("在 {n} 个{units}中，有 {wide} 个的名次区间超过 {places} 位（占 {share}%），名次区间平均跨 {mean} 位；相邻名次中有 {pairs} 对区间重叠、并无实质差别。名次相差几位时，应结合得分和名次区间来看，不宜仅凭名次作判断。",
                             "Of the {n} {units}, {wide} ({share}%) have a rank interval wider than {places} places; intervals span {mean} places on average, and {pairs} pairs of neighbours overlap and are not really different. A few places' difference should be read with the scores and intervals, not on the rank alone."),
    "method_sens_none": ("本季度没有名次区间", "No rank intervals this quarter"),
    "method_sens_share": ("名次区间超过 3 位的占比", "Share with an interval wider than 3 places"),
    "method_sens_mean": ("名次区间平均宽度（位）", "Mean interval width (places)"),
    "method_sens_pairs": ("无实质差别的相邻名次（对）", "Neighbouring pairs not really different"),
    "method_pairs": ("无实质差别的相邻名次：两者的名次区间重叠", "Neighbours not really different: their rank intervals overlap"),
    "method_pair_next_rank": ("相邻名次", "Next rank"),
    "targets_title": ("目标进度", "Progress against targets"),
    "targets_no_quarter": ("库中还没有季度数据", "No quarterly data in the store yet"),
    "targets_no_targets": ("{year}年还没有下达目标", "No targets have been set for {year}"),
    "targets_note": ("总量目标：完成进度 − 序时进度（按月平均）；增速目标：累计增速 − 目标增速；单位均为个百分点，红色落后、绿色超前。",
                     "Level targets: completion − linear schedule; growth targets: YTD growth − target growth; in percentage points, red behind, green ahead."),
    "targets_heatmap": ("各{units}目标差距（个百分点）", "Gap to target, {units} (pp)"),
    "targets_lagging": ("各{units}落后目标个数", "Targets behind, {units}"),
    "targets_lagging_axis": ("指标个数", "Targets"),
    "targets_kind_growth": ("（增速）", "(growth)"),
    "targets_kind_level": ("（完成）", "(level)"),
    "targets_hover_completion": ("完成 {done}%，序时进度 {sched}%", "{done}% done, schedule {sched}%"),
    "targets_hover_growth": ("增速 {yoy}%，目标 {target}%", "Growth {yoy}%, target {target}%"),
    "targets_hover_rate": ("实际 {value}%，目标 {target}%", "Actual {value}%, target {target}%"),
    "targets_gap_pp": ("差距（个百分点）", "Gap (pp)"),
    "targets_pp": ("个百分点", "pp"),
    "targets_no_target": ("未下达目标", "No target"),
    "targets_midyear_title": ("“双过半”与正增长", "Half-year checks: half the target, positive growth"),
    "targets_midyear_only": ("“双过半”和正增长检查在 1-6月数据上进行：", "The half-year checks use the January–June data:"),
    "targets_midyear_summary": ("{n} 个{units}中，{half} 个全部目标实现“双过半”，{up} 个全部指标保持正增长。",
                                "Of the {n} {units}, {half} reached half of every target and {up} grew on every indicator."),
    "targets_half_met": ("双过半", "Half reached"),
    "targets_half_missed": ("未过半的目标", "Targets not half reached"),
    "targets_positive_n": ("正增长", "Growing"),
    "targets_not_positive": ("未实现正增长的指标", "Indicators not growing"),
    "indicator_no_quarter": ("库中还没有季度数据", "No quarterly data in the store yet"),
    "indicator_note": ("数据来源：{source}；{n}/{total} 个单位有数据。{desc}", "Source: {source}; {n} of {total} units have data. {desc}"),
    "indicator_ranked": ("排序（灰线为全省中位数，绿线为目标）", "Ranked (grey: province median; green: target)"),
    "indicator_distribution": ("分布", "Distribution"),
    "indicator_tiles": ("方块图（按地理位置排布，绿色为较好）", "Tile map (laid out by location; green is better)"),
    "indicator_rank_word": ("第{}名", "#{}"),
    "indicator_series": ("走势（上年与本年，可选 5 个县区）", "Trend, last year and this year (up to 5 units)"),
    "indicator_table": ("数据表", "Data table"),
    "indicator_median": ("全省中位数", "Province median"),
    "indicator_target": ("目标", "Target"),
    "indicator_count": ("单位个数", "Units"),
    "indicator_prefecture": ("所属市州", "Prefecture"),
    "county_is_prefecture": ("{name}是市州：打开{name}的市州页面", "{name} is a prefecture: open its page"),
    "pref_not_found": ("没有代码为 {code} 的市州；请从{n_prefectures}个市州排名点击市州进入",
                       "No prefecture with code {code}; open a prefecture from the ranking of the prefectures"),
    "pref_no_counties": ("{name}在库中没有下辖县区（不设县区），此处没有县区得分", "{name} has no counties in the data"),
    "pref_no_score": ("{name}在库中没有市州间综合得分", "{name} has no score among the prefectures in the data"),
    "pref_rank": ("市州间第{rank}名（共{n}个）", "rank {rank} of {n} prefectures"),
    "pref_change": ("较上季度{x}", "vs last quarter {x}"),
    "pref_col_rank": ("市州间位次", "Rank among prefectures"),
    "pref_ref_mean": ("市州平均", "the prefectures' average"),
    "pref_vs_mean": ("对比市州平均", "vs the prefectures' average"),
    "pref_vs_above": ("对比上一名", "vs the prefecture above"),
    "pref_first_place": ("已居市州第一名，没有上一名可比", "First among the prefectures: no prefecture above"),
    "pref_gap_title": ("争先进位：在市州中进入前几名需要什么", "Moving up among the prefectures: what it takes to reach a target rank"),
    "pref_target_rank": ("目标名次（市州间）", "Target rank (prefectures)"),
    "pref_counties": ("{name}各县区综合得分", "Composite scores of the counties of {name}"),
    "pref_col_county": ("县区", "County"),
    "pref_counties_province_only": ("本账号的查看范围不含{name}的市内比较：只列出各县区的全省得分",
                                    "This account does not see the comparison within {name}: province scores only"),
    "county_not_found": ("没有代码为 {code} 的县区；请从排名表点击县区进入", "No county with code {code}; open a county from the ranking"),
    "county_no_quarter": ("库中还没有季度数据", "No quarterly data in the store yet"),
    "county_rank_province": ("全省第{rank}名（共{n}个）", "rank {rank} of {n} in the province"),
    "county_rank_city": ("{city}第{rank}名（共{n}个）", "rank {rank} of {n} in {city}"),
    "county_interval": ("5–95%区间 第{lo}–{hi}名", "5–95% interval {lo}–{hi}"),
    "county_note": ("{scheme}；数据状态 {state}；位次按1-{m}月累计数计算", "{scheme}; data state {state}; ranks use year-to-date values (Jan–{month})"),
    "county_indicators": ("各项指标完成情况", "Every indicator"),
    "county_col_indicator": ("指标", "Indicator"),
    "county_kind_growth": ("（增速目标）", " (growth target)"),
    "county_kind_level": ("（总量目标）", " (level target)"),
    "county_col_value": ("累计值", "Year to date"),
    "ledger_source": ("由台账汇总，截至{as_of}（上传 #{upload}）", "Rolled up from the ledger as of {as_of} (upload #{upload})"),
    "county_col_growth": ("增速（%）", "Growth (%)"),
    "county_col_target": ("目标", "Target"),
    "county_col_completion": ("完成/序时进度", "Done / schedule"),
    "county_col_gap": ("差距（个百分点）", "Gap (pp)"),
    "county_col_status": ("状态", "Status"),
    "county_col_pace": ("节奏", "Pace"),
    "county_col_rank_prov": ("全省位次", "Prov. rank"),
    "county_col_rank_city": ("全市位次", "City rank"),
    "county_rank_basis": ("按增速排位；没有增速的指标按总量或比率排位", "Ranked on growth; indicators without growth on level or ratio"),
    "county_schedule": ("序时", "schedule"),
    "county_growth_of": ("增长{x}%", "+{x}%"),
    "county_decline_of": ("下降{x}%", "−{x}%"),
    "county_points_title": ("各指标得失分（综合得分口径）", "Points gained or lost per indicator (composite score)"),
    "county_vs_mean": ("对比全省平均", "vs province average"),
    "county_vs_above": ("对比上一名", "vs the county above"),
    "county_ref_mean": ("全省平均", "the province average"),
    "county_total": ("合计", "Total"),
    "county_first_place": ("已居全省第一名，没有上一名可比", "First in the province: no county above"),
    "county_points_sub": ("{name} {score} 分，{ref} {ref_score} 分，相差 {diff} 分", "{name} {score}, {ref} {ref_score}, difference {diff}"),
    "county_strongest": ("优势指标", "Strongest indicators"),
    "county_weakest": ("薄弱指标", "Weakest indicators"),
    "county_pts_more": ("比全省平均多得 {x} 分", "{x} points above the province average"),
    "county_pts_less": ("比全省平均少得 {x} 分", "{x} points below the province average"),
    "county_ind_rank": ("全省第{rank}名", "rank {rank} in the province"),
    "county_gap_title": ("争先进位：进入全省前几名需要什么", "Moving up: what it takes to reach a target rank"),
    "county_target_rank": ("目标名次（全省）", "Target rank (province)"),
    "county_export_top": ("前{k}名", "top {k}"),
    "county_gap_head": ("进入前 {k} 名需要什么（当前第 {rank} 名，全部经重算验证）", "What it takes to reach the top {k} (now rank {rank}; every answer verified by recalculation)"),
    "county_gap_need": ("需提高 {d} {unit}（{a} → {b}），验证后第 {r} 名", "+{d} {unit} ({a} → {b}), rank {r} after recalculation"),
    "county_gap_short": ("需提高 {d} {unit}（{a} → {b}），但验证后仅第 {r} 名", "+{d} {unit} ({a} → {b}) gives only rank {r}"),
    "county_gap_alone": ("仅靠该指标无法达到", "Not reachable on this indicator alone"),
    "county_gap_nodata": ("无数据，无法测算", "No data, cannot be estimated"),
    "county_gap_reached": ("已达到目标名次", "Target rank already reached"),
    "county_gap_combined": ("最省力的组合", "Cheapest combination"),
    "county_gap_combined_none": ("各指标同时提高也无法达到", "Not reachable even by improving every indicator"),
    "county_gap_step": ("{name}提高 {d} {unit}", "{name} +{d} {unit}"),
    "county_gap_verified": ("验证后第 {r} 名", "rank {r} after recalculation"),
    "county_col_answer": ("测算结果（其他指标不变）", "Answer (other indicators unchanged)"),
    "county_col_verified": ("验证后名次", "Rank after"),
    "county_pp": ("个百分点", "pp"),
    "county_series_title": ("指标走势", "Indicator over the year"),
    "county_series_growth": ("累计增速(%)", "Year-to-date growth (%)"),
    "county_path_linear": ("序时目标（线性）", "Target path (linear)"),
    "county_path_seasonal": ("序时目标（季节）", "Target path (seasonal)"),
    "county_growth_target": ("目标增速", "Target growth"),
    "county_revised": ("数据修订", "Revised"),
    "county_revision_hover": ("修订：{chain}", "Revised: {chain}"),
    "county_year": ("{y}年", "{y}"),
    "data_title": ("数据报送情况", "Data reporting status"),
    "data_complete_title": ("{period}各单位应报指标报送情况", "Indicators due for {period}, by unit"),
    "data_complete_note": ("✓ 已报送　— 未报送（红底）　未报 表中注明“没有上报报表”（红底）；只列本月应报的基础指标，派生指标不列",
                           "✓ reported　— missing (red)　未报 the table said the report is missing (red); "
                           "only base indicators due this month, derived ones excluded"),
    "data_complete_summary": ("{units} 个单位 × {inds} 项指标，已报 {ok} 项，缺 {missing} 项",
                              "{units} units × {inds} indicators: {ok} reported, {missing} missing"),
    "data_unit": ("单位", "Unit"),
    "data_reported": ("已报", "Reported"),
    "data_closing": ("统计关库", "Data closing"),
    "data_closing_date": ("关库日期", "Closing date"),
    "data_closed": ("已关库", "Closed"),
    "data_days_left": ("还剩 {n} 天", "{n} days left"),
    "data_uploads_title": ("最近10次上传", "Latest 10 uploads"),
    "data_committed": ("有效", "Valid"),
    "data_rolled_back": ("已撤销", "Withdrawn"),
    "data_simulated": ("模拟数据", "Simulated"),
    "data_col_id": ("编号", "ID"),
    "data_col_time": ("时间", "Time"),
    "data_col_user": ("上传人", "User"),
    "data_col_file": ("文件", "File"),
    "data_col_format": ("格式", "Format"),
    "data_col_inserted": ("新增", "New"),
    "data_col_revised": ("修订", "Revised"),
    "data_col_unchanged": ("未变", "Unchanged"),
    "data_col_status": ("状态", "Status"),
    "data_col_simulated": ("模拟数据", "Simulated"),
    "data_col_warnings": ("提示", "Warnings"),
    "data_col_note": ("说明/更正原因", "Note / reason"),
    "data_warnings_title": ("第 {id} 次上传（{file}）的提示", "Warnings of upload {id} ({file})"),
    "data_no_warnings": ("最近的上传没有提示", "No warnings in the latest uploads"),
    "data_col_row": ("行号", "Row"),
    "data_col_column": ("列", "Column"),
    "data_col_value": ("值", "Value"),
    "data_col_reason": ("原因", "Reason"),
    "data_col_fix": ("处理办法", "How to fix"),
    "data_empty": ("库中还没有数据", "The store holds no data yet"),
}

# ---- ledger and units uploads on 数据上报 / 上报记录 (layouts/ledger_upload_view.py; issue #12) ----
TEXT.update({
    "upload_as_of": ("截至日期（台账文件中没有时填写）", "As-of date (only if a ledger file has none)"),
    "upload_as_of_ph": ("如 2026-10-31 或 2026年10月31日", "e.g. 2026-10-31"),
    "upload_bad_as_of": ("截至日期“{value}”无法识别", "As-of date “{value}” not understood"),
    "upload_bad_as_of_fix": ("请填写如 2026-10-31 或 2026年10月31日 的日期，或清空该栏（以文件中的日期为准）",
                             "Write a date such as 2026-10-31, or clear the box (the file's date is used)"),
    "upload_templates": ("下载模板：", "Templates:"),
    "upload_templates_note": ("台账模板为 .xlsx（含下拉选项和填表说明）；单位名单、年度任务、上报记录为 CSV 表头。"
                              "文件类型按表头识别，与文件名无关。",
                              "Ledger templates are .xlsx (with drop-downs and notes); units, tasks and reports are CSV "
                              "headers. A file's kind is recognised from its headers, not its name."),
    "upload_written": ("已写入 {n} 个文件（{which}）；各页面已按新数据计算。如有误，可在“上报记录”中撤销。",
                       "{n} file(s) written ({which}); every page now uses the new data. Undo under Upload history."),
    "upload_written_one": ("上传 #{id} {file}（{what}）", "upload #{id} {file} ({what})"),
    "upload_nothing": ("没有写入任何文件。", "No file was written."),
    "upload_parsing": ("正在解析… {files}", "Reading… {files}"),
    "upload_writing": ("正在入库… {files}", "Writing… {files}"),
    "upload_job_gone": ("处理任务已失效，请重新选择文件", "The upload's job has expired: drop the files again"),
    "upload_result": ("写入结果", "Result"),
    "lu_status_dry_run": ("可以写入", "Can be written"),
    "lu_status_rejected": ("有错误，不能写入", "Errors: cannot be written"),
    "lu_status_duplicate": ("已导入过，不会重复写入", "Already loaded: not written again"),
    "lu_status_committed": ("已写入（上传 #{id}）", "Written (upload #{id})"),
    "lu_kind": ("台账类型：{name}", "Ledger: {name}"),
    "lu_kind_unknown": ("台账类型：未能识别", "Ledger: not recognised"),
    "lu_as_of": ("截至日期：{date}（{source}）", "As of {date} ({source})"),
    "lu_as_of_none": ("截至日期：未能确定", "As of: not determined"),
    "lu_source_title": ("取自标题行", "from the title row"),
    "lu_source_column": ("取自“截至日期”列", "from the 截至日期 column"),
    "lu_source_option": ("取自本页填写的截至日期", "from the date typed on this page"),
    "lu_encoding": ("编码：{encoding}", "Encoding: {encoding}"),
    "lu_counties": ("县区 {n} 个、事项 {items} 项：{each}", "{n} counties, {items} items: {each}"),
    "lu_county_items": ("{county} {n} 项", "{county} {n}"),
    "lu_examples": ("（示例行 {n} 行已跳过）", " (example rows skipped: {n})"),
    "lu_counts": ("{verb}新增 {new} 项、修改 {changed} 项、{same} 项未变；上一版有而本文件没有 {dropped} 项",
                  "{verb} {new} new, {changed} changed, {same} unchanged; {dropped} in the previous snapshot missing here"),
    "lu_verb_will": ("将", "Will add"),
    "lu_verb_did": ("已", "Added"),
    "lu_duplicate": ("与上传 #{id} 的文件完全相同，不会重复写入", "Identical to upload #{id}: not written again"),
    "lu_rolled_title": ("将填入的县区指标（由台账汇总，{n} 个）：", "County values it fills (rolled up, {n}):"),
    "lu_rolled_title_done": ("已填入的县区指标（由台账汇总，{n} 个）：", "County values it filled (rolled up, {n}):"),
    "lu_rolled_none": ("本台账不填入任何县区指标（该月份不报送，或没有可汇总的事项）",
                       "This ledger fills no county value (the month is not reported, or no item counts)"),
    "lu_col_county": ("县区", "County"),
    "lu_col_indicator": ("指标", "Indicator"),
    "lu_col_period": ("期间", "Period"),
    "lu_col_value": ("台账汇总", "Ledger roll-up"),
    "lu_col_statistics": ("已上报统计数", "Uploaded statistic"),
    "lu_col_check": ("核对", "Check"),
    "lu_differs": ("不一致：以台账汇总 {ledger} 为准（统计数 {stat}，上传 #{upload}）",
                   "Differs: the ledger's {ledger} is used (statistic {stat}, upload #{upload})"),
    "lu_agrees": ("一致", "Agrees"),
    "lu_changes_title": ("与上一版台账相比修改的内容（{n} 处）：", "Changed against the previous snapshot ({n}):"),
    "lu_col_item": ("台账编号", "Item"),
    "lu_col_column": ("列", "Column"),
    "lu_col_old": ("原值", "Old"),
    "lu_col_new": ("新值", "New"),
    "lu_col_row": ("行号", "Row"),
    "lu_errors": ("错误 {n} 处（整份文件不会写入，请改正后重新上传）：", "{n} error(s) (nothing is written; fix and upload again):"),
    "lu_warnings": ("提示 {n} 处（不影响写入，请核对）：", "{n} warning(s) (do not block; please check):"),
    "lu_unreadable": ("文件未能读取或未通过上传检查（原因见下表）", "The file could not be read or failed the upload check (see below)"),
    "lu_units_what": ("类型：{what}；编码：{encoding}；共 {rows} 行；地区：{regions}",
                      "Kind: {what}; encoding {encoding}; {rows} rows; regions: {regions}"),
    "lu_units_counts": ("{verb}新增 {new} 行、修改 {changed} 行、{same} 行未变", "{verb} {new} new, {changed} changed, {same} unchanged"),
    "lu_units_dropped": ("；上一版名单有而本文件没有 {n} 个单位", "; {n} units of the previous list missing here"),
    "lu_units_rows": ("文件内容（前 {shown} 行，共 {n} 行）：", "Rows read (first {shown} of {n}):"),
    "lu_col_unit_kind": ("单位类别", "Kind of unit"),
    "lu_col_unit": ("单位名称", "Unit"),
    "lu_col_aliases": ("别名", "Aliases"),
    "lu_col_year": ("年度", "Year"),
    "lu_col_measure": ("任务指标", "Measure"),
    "lu_col_task": ("任务值", "Task"),
    "lu_col_ledger": ("台账", "Ledger"),
    "lu_col_as_of": ("截至日期", "As of"),
    "lu_col_type": ("类型", "Type"),
    "lu_col_type2": ("第二类型", "Second type"),
    "lu_col_fact": ("项目", "Item"),
    "lu_col_points": ("分值", "Points"),
    "lu_col_veto_reason": ("否决原因", "Veto reason"),
    "history_ledger_head": ("{name} · 截至 {date}（{source}）· 县区 {n} 个、事项 {items} 项：{each}",
                            "{name} · as of {date} ({source}) · {n} counties, {items} items: {each}"),
    "history_units_head": ("{what} · {rows} 行 · 地区：{regions}", "{what} · {rows} rows · regions: {regions}"),
    "history_rolled": ("由本次上传填入的县区指标（{n} 个）：", "County values this upload filled ({n}):"),
    "history_rolled_back_note": ("本次上传已撤销：其事项和汇总数值不再有效，上一版快照已恢复",
                                 "Withdrawn: its items and rolled-up values no longer count; the previous snapshot is back"),
})
PILLAR_PREFIX = "pillar_"


# The registries whose members the engine returns as keys, and the TEXT prefix each member is said under:
# label(registry, member, lang) is the one way to say a member; tests/test_vocabulary.py proves every member
# of every registry has a text in both languages, so a new member without one fails there, not on a page.
VOCABULARY: dict[str, tuple[tuple[str, ...], str]] = {
    "scoring": (scheme.SCORINGS, "method_scoring_"),
    "scoring_how": (scheme.SCORINGS, "method_how_"),
    "weights": (scheme.WEIGHTINGS, "method_weights_mode_"),
    "aggregation": (scheme.AGGREGATIONS, "method_agg_"),
    "measure": (catalogue.MEASURES, "method_measure_"),
    "stored_measure": (catalogue.STORED_MEASURES, "method_measure_"),
    "status": (progress.STATUS_KEYS, "status_"),
    "pace": (progress.PACES, "pace_"),
    "growth": (progress.GROWTH_STATUSES, "growth_"),
    "role": (users.ROLES, "role_"),
    "format": (parsed.FORMATS + tuple(ledger_ingest.format_of(k.code) for k in ledger_kinds.default())
               + (units.UNITS, units.TASKS, units.REPORTS, county_types.TYPES, county_types.FACTS), "format_"),
    "scope": (pipeline.SCOPE_KINDS, "scope_"),
    "rule_kind": (tuple(rules.KINDS), "rule_kind_"),
}


def scope_kind(scope: str) -> str:
    """'province' | 'city' | 'prefectures': which comparison set a scope is (city:621200 → city)."""
    return "city" if scope.startswith("city:") else scope


def score_label(scope: str, lang: str = "zh") -> str:
    """全省得分 / 市内得分 / 市州间得分: the score's comparison set in its name."""
    return t(f"score_{scope_kind(scope)}", lang)


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    """TEXT[key] in a language, with the deployment's counts in place of {n_prefectures} / {n_counties}."""
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    if "{n_" in text:
        here = regions.default()
        text = text.replace("{n_prefectures}", str(len(here.of_level("prefecture")))).replace(
            "{n_counties}", str(len(here.of_level("county"))))
    return text


def label(registry: str, member: str, lang: str = DEFAULT_LANG) -> str:
    """A registry member said in a language: label("weights", "entropy", "zh") == "熵权法". A member the table
    lacks is shown as its key (the vocabulary test fails on it) rather than breaking the page."""
    _members, prefix = VOCABULARY[registry]
    key = prefix + str(member)
    return t(key, lang) if key in TEXT else str(member)


def missing_texts(vocabulary: dict | None = None) -> list[str]:
    """Registry members without a text in both languages, as 'registry member: add TEXT["key"]'."""
    out = []
    for registry, (members, prefix) in (vocabulary or VOCABULARY).items():
        for m in members:
            zh, en = TEXT.get(prefix + m, ("", ""))
            if not (zh.strip() and en.strip()):
                out.append(f"{registry} {m!r}: add TEXT[{prefix + m!r}] = (中文, English) to layouts/i18n.py")
    return out


def lang_of(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def fmt_number(x, decimals: int = 1, lang: str = DEFAULT_LANG) -> str:
    """Thousands separators, fixed decimals; missing as — (the Chinese statistical convention)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{decimals}f}"


def fmt_change(change) -> str:
    """Rank change with an arrow: ↑3 moved up three places, ↓2 down, — unchanged or unknown."""
    if change is None or pd.isna(change):
        return "—"
    change = int(change)
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "—"


def quarter_label(quarter: str, lang: str = DEFAULT_LANG) -> str:
    """'2026Q3' -> '2026年三季度' / '2026 Q3'."""
    y, q = quarter[:4], int(quarter[-1])
    if lang == "en":
        return f"{y} Q{q}"
    return f"{y}年{'一二三四'[q - 1]}季度"


def period_label(period: str, lang: str = DEFAULT_LANG) -> str:
    """'2026-10' -> '2026年1-10月' / 'Jan–Oct 2026'; quarters via quarter_label."""
    if "Q" in period:
        return quarter_label(period, lang)
    y, m = int(period[:4]), int(period[5:7])
    if lang == "en":
        months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
        return f"{months[0]} {y}" if m == 1 else f"Jan–{months[m - 1]} {y}"
    return f"{y}年1月" if m == 1 else f"{y}年1-{m}月"


BEIJING = dt.timedelta(hours=8)  # the store keeps UTC; people read Beijing time


def local_time(ts) -> str:
    """A stored (naive UTC) timestamp as Beijing time, to the minute."""
    return f"{ts + BEIJING:%Y-%m-%d %H:%M}"


@lru_cache(maxsize=1)
def _grid_zh() -> dict:
    return json.loads((Path(__file__).with_name("ag_grid_zh_cn.json")).read_text(encoding="utf-8"))


def grid_text(lang: str) -> dict:
    """AG Grid's own words (filters, pagination, "no rows") in the page's language: dashGridOptions entries."""
    return {"localeText": _grid_zh()} if lang == "zh" else {}


# ---------------------------------------------------------------- 台账 pages (layouts/pages/ledger.py; h-pages)
TEXT.update({
    "nav_ledger": ("台账", "Ledgers"),
    "ledger_not_found": ("没有“{kind}”这种台账；台账有：", "There is no ledger '{kind}'; the ledgers are: "),
    "ledger_none": ("还没有上传{kind}。可下载模板填写后在“数据上报”页上传。",
                    "No {kind} has been uploaded yet. Download the template, fill it in and upload it."),
    "ledger_as_of": ("截至", "As of"),
    "ledger_set": ("比较范围：{city}{n}个县区", "Compared: the {n} counties of {city}"),
    "ledger_sources": ("来源", "From"),
    "ledger_source_item": ("#{id} {file}（截至{as_of}）", "#{id} {file} (as of {as_of})"),
    "ledger_template": ("下载模板（.xlsx）", "Download template (.xlsx)"),
    "ledger_date_refused": ("截至{asked}的台账不能查看（无此快照，或所在月份尚未统计关库、未发布），显示截至{shown}的台账",
                            "The ledger as of {asked} cannot be shown (no such snapshot, or its month is not yet "
                            "released); showing the one as of {shown}"),
    "ledger_county_refused": ("当前账号的查看范围不含县区 {code}", "This account may not see county {code}"),
    "ledger_county_other": ("{code} 不是{city}的县区", "{code} is not a county of {city}"),
    "ledger_totals": ("各县区合计", "Counties' totals"),
    "ledger_by_county": ("各县区", "By county"),
    "ledger_county_hint": ("点击县区名称查看其全部事项", "Click a county to see all its items"),
    "ledger_all_counties": ("全市", "Whole city"),
    "ledger_overdue_title": ("逾期或滞后事项", "Overdue or stalled items"),
    "ledger_overdue_none": ("没有逾期或滞后的事项", "No overdue or stalled item"),
    "ledger_items_title": ("{county}全部事项", "All items of {county}"),
    "ledger_trend": ("逐期走势", "Trend over the snapshots"),
    "ledger_units": ("下辖单位排名", "Units below the county"),
    "ledger_units_none": ("本台账没有下辖单位考核指标（data/unit_measures.toml）",
                          "No unit measure is declared for this ledger (data/unit_measures.toml)"),
    "ledger_units_unranked": ("没有参加排名的单位（均无任务或未上报）", "No unit is ranked (none has a task, or none reported)"),
    "ledger_units_empty": ("没有符合条件的下辖单位", "No unit matches"),
    "ledger_units_at": ("排名依据截至{as_of}的台账{previous}", "Ranked on the ledger as of {as_of}{previous}"),
    "ledger_units_prev": ("，较上期（截至{d}）", ", change since {d}"),
    "ledger_units_no_prev": ("，无上期可比", ", no earlier period"),
    "ledger_zero": ("未破零", "Still at zero"),
    "ledger_not_reported": ("未上报（不是零，不参加排名）", "Not reported (not zero; not ranked)"),
    "ledger_no_task": ("无任务（不参加排名）", "No task (not ranked)"),
    "ledger_units_n": ("{n}个单位（点击展开）", "{n} units (click to show)"),
    "ledger_none_named": ("无", "none"),
    "ledger_unit_kind_all": ("全部类别", "All kinds"),
    "ledger_unit_county_all": ("全部县区", "All counties"),
    "ledger_cadence_weekly": ("一周一通报", "Weekly"),
    "ledger_cadence_half_monthly": ("半月一排名", "Half-monthly"),
    "ledger_cadence_monthly": ("一月一调度", "Monthly"),
    "ledger_by_day": ("时间进度按日计算", "time progress by day"),
    "ledger_plan_line": ("完成年度目标{completion}（目标{target}），序时进度{schedule}，{side}{gap}个百分点",
                         "{completion} of the annual target ({target}); time progress {schedule}; {side} {gap} "
                         "percentage points"),
    "ledger_ahead": ("快于序时进度", "ahead by"),
    "ledger_behind": ("慢于序时进度", "behind by"),
    "ledger_level": ("与序时进度持平", "level with it:"),
    "ledger_no_target": ("未设年度目标", "no annual target set"),
    "ledger_basis_counties": ("目标为各县区目标之和", "target: the sum of the counties' targets"),
    "ledger_basis_ledger": ("按台账年度计划投资", "plan: the ledger's annual planned investment"),
    "ledger_none_entered": ("尚无入库企业的县区：{names}", "Counties with no enterprise entered yet: {names}"),
    "ledger_all_entered": ("各县区均已有入库企业", "Every county has entered at least one"),
    "ledger_not_reported_county": ("未上报台账", "no ledger"),
    "ledger_col_county": ("县区", "County"),
    "ledger_col_items": ("事项数", "Items"),
    "ledger_col_target": ("年度目标", "Annual target"),
    "ledger_col_completion": ("完成率（%）", "Completion (%)"),
    "ledger_col_gap": ("较序时（个百分点）", "vs time progress (pp)"),
    "ledger_col_rank": ("市内位次", "Rank in city"),
    "ledger_col_overdue": ("逾期/滞后", "Overdue"),
    "ledger_col_reason": ("情况", "Issue"),
    "ledger_col_source": ("来源（上传 #、文件、行）", "Source (upload, file, row)"),
    "ledger_col_unit": ("单位", "Unit"),
    "ledger_col_unit_kind": ("类别", "Kind"),
    "ledger_col_parent": ("所属", "Parent"),
    "ledger_col_task": ("任务", "Task"),
    "ledger_col_result": ("完成", "Result"),
    "ledger_col_result_change": ("较上期", "Change"),
    "ledger_col_rank_change": ("位次变化", "Rank change"),
    "ledger_col_state": ("状态", "State"),
    "ledger_export_items": ("台账事项", "ledger items"),
    "ledger_card": ("重点工作台账", "Key-work ledgers"),
    "ledger_card_note": ("各县区台账合计（不含市直单位，故与上方全市统计数略有不同），目标为各县区目标之和",
                         "Sum of the counties' ledgers (city-level units excluded, so it differs slightly from the "
                         "city's statistics above); targets: the sum of the counties' targets"),
    "ledger_county_section": ("台账", "Ledgers"),
    "ledger_open": ("查看台账", "Open"),
    # the reasons an item is overdue or stalled (indicators/ledgers.py overdue_reasons)
    "ledger_reason_overdue": ("逾期未清偿", "past due, not repaid"),
    "ledger_reason_late_open": ("超期未办结", "open past its deadline"),
    "ledger_reason_handled_late": ("超期办结", "handled late"),
    "ledger_reason_stalled": ("签约未到位", "signed, nothing in place"),
    "ledger_reason_not_started": ("逾期未开工", "not started past its planned start"),
    "ledger_reason_late": ("逾期未入库", "not entered by its expected month"),
    # city totals, per kind (the facts of loaders/ledger_rollup.py)
    "ledger_f_owed_undisputed": ("无分歧欠款", "Undisputed debt"),
    "ledger_f_repaid_undisputed": ("已清偿（无分歧）", "Repaid (undisputed)"),
    "ledger_f_rate_undisputed": ("清偿率（无分歧）", "Repayment rate (undisputed)"),
    "ledger_f_owed_disputed": ("有分歧欠款（另列）", "Disputed debt (apart)"),
    "ledger_f_disputed_items": ("有分歧事项", "Disputed items"),
    "ledger_f_small_open": ("小额欠款（10万元以下）未清零", "Small debts (< 100k yuan) still open"),
    "ledger_f_overdue_items": ("逾期未清偿事项", "Overdue items"),
    "ledger_f_overdue_outstanding": ("逾期未清偿金额", "Overdue amount outstanding"),
    "ledger_f_received": ("本年受理线索", "Leads received this year"),
    "ledger_f_handled": ("本年办结", "Handled this year"),
    "ledger_f_rate": ("办结率", "Handling rate"),
    "ledger_f_open": ("未办结", "Open"),
    "ledger_f_overdue_open": ("超期未办结", "Open past deadline"),
    "ledger_f_handled_late": ("超期办结", "Handled late"),
    "ledger_f_items": ("项目（企业）数", "Items"),
    "ledger_f_contract": ("合同金额", "Contract amount"),
    "ledger_f_in_place": ("到位资金", "Funds in place"),
    "ledger_f_in_place_outside": ("省外到位资金", "Funds in place from outside the province"),
    "ledger_f_stalled": ("签约未到位项目", "Signed, nothing in place"),
    "ledger_f_stages": ("按进度", "By stage"),
    "ledger_f_started": ("已开工", "Started"),
    "ledger_f_start_rate": ("开工率", "Start rate"),
    "ledger_f_planned": ("年度计划投资", "Planned this year"),
    "ledger_f_completed": ("本年完成投资", "Completed this year"),
    "ledger_f_start_overdue": ("逾期未开工", "Not started past planned start"),
    "ledger_f_states": ("按培育状态", "By state"),
    "ledger_f_entered": ("已入库", "Entered"),
    "ledger_f_late": ("逾期未入库", "Late"),
    "ledger_rate_of": ("{kind}的{rate}", "{rate}"),
    # count words: 件 (matters), 个 (projects), 家 (enterprises)
    "ledger_unit_件": ("件", " items"),
    "ledger_unit_个": ("个", " projects"),
    "ledger_unit_家": ("家", " firms"),
})

# The ledgers' columns in English, by column code (data/ledgers.toml gives the Chinese headers).
LEDGER_COLUMN_EN = {
    "county": "County", "item_id": "Item", "debtor": "Debtor", "creditor": "Creditor", "owed": "Owed",
    "disputed": "Disputed", "repaid": "Repaid", "due_date": "Due", "status": "Status", "source": "Source",
    "unit": "Responsible unit", "received": "Received", "handled": "Handled", "result": "Result",
    "project": "Project", "signed": "Signed", "contract": "Contract", "in_place": "In place",
    "outside_province": "From outside the province", "stage": "Stage", "leader": "Leader in charge",
    "planned": "Planned", "completed": "Completed", "start_state": "Start", "planned_start": "Planned start",
    "enterprise": "Enterprise", "type": "Type", "expected_month": "Expected month", "state": "State"}


def ledger_column(column, lang: str = DEFAULT_LANG) -> str:
    """A ledger column's header: its declared title (拖欠金额（万元）) or its English name."""
    if lang != "en":
        return column.title
    en = LEDGER_COLUMN_EN.get(column.code, column.code)
    return f"{en} ({UNIT_EN_LEDGER.get(column.unit, column.unit)})" if column.unit else en


UNIT_EN_LEDGER = {"万元": "10k yuan"}


# ---------------------------------------------------------------- peer groups, honours, veto (layouts/honours_view.py)
TEXT.update({
    "honour_all_types": ("全部", "All"),
    "honour_filter": ("按县域类型排名：", "Rank within a county type:"),
    "honour_title": ("评优榜单", "Honour lists"),
    "honour_kind_overall": ("综合排名前{top}", "top {top} overall"),
    "honour_kind_group": ("每个类型前{top}", "top {top} of each type"),
    "honour_kind_improvement": ("较上年同期进步最多的{top}个", "the {top} most improved on a year earlier"),
    "honour_none": ("无", "None"),
    "honour_tied": ("（并列）", " (tied)"),
    "honour_why_overall": ("综合排名第{rank}名", "rank {rank} overall"),
    "honour_why_group": ("{type}第{rank}名", "rank {rank} among {type}"),
    "honour_why_rank": ("较上年同期前进{n}位（第{before}名→第{now}名）", "up {n} places on a year earlier ({before} → {now})"),
    "honour_why_score": ("较上年同期提高{n}分（{before}→{now}）", "{n} points more than a year earlier ({before} → {now})"),
    "honour_veto": ("一票否决：{items}{note}，不参与评优", "vetoed ({items}{note}): not eligible for honours"),
    "honour_vetoed": ("不参与评优：{units}", "Not eligible for honours: {units}"),
    "honour_previous_rank": ("进步县按全省名次较{quarter}前进的位数排序（上年同期数据按本年评价方案计分）",
                             "Most improved: places moved up in the province since {quarter} (the year-earlier "
                             "quarter scored with this year's scheme)"),
    "honour_previous_score": ("进步县按综合得分较{quarter}提高的分值排序（上年同期数据按本年评价方案计分）",
                              "Most improved: composite score gained since {quarter} (the year-earlier quarter "
                              "scored with this year's scheme)"),
    "honour_basis_set": ("全省{n}个县区（同一套得分）", "the province's {n} counties (one score set)"),
    "honour_list_head": ("{name}（{kind}）", "{name} ({kind})"),
    "honour_veto_note": ("（{note}）", ": {note}"),
    "honour_group_note": ("{type}：{n}个县区在本类型内单独标准化、按本类型权重计分排名",
                          "{type}: {n} counties scored and ranked among themselves with this type's weights"),
    "honour_col_group_rank": ("类型内名次", "Rank in type"),
    "honour_col_group_score": ("类型内得分", "Score in type"),
    "honour_col_rank": ("全省名次", "Province rank"),
    "honour_col_types": ("县域类型", "Type(s)"),
    "honour_col_honours": ("荣誉", "Honours"),
    "honour_col_reason": ("说明", "Note"),
    "honour_county_type": ("{type}第{rank}名（共{n}个）", "{type}: rank {rank} of {n}"),
    "honour_county_types": ("县域类型：{types}", "Types: {types}"),
    "honour_county_type_one": ("县域类型：{types}", "Type: {types}"),
    "honour_county_honours": ("荣誉：{honours}", "Honours: {honours}"),
    # 方法 page
    "method_assessment": ("县域类型、评优榜单与加减分", "County types, honour lists and adjustments"),
    "method_groups": ("县域类型（{n}类）：各县区属于一至两个类型（县域类型表，按年度上传）；每个类型内的县区单独标准化"
                      "（只与同类型县区比较），按该类型的权重计分，类型内排名。与全省权重不同的：{diffs}",
                      "County types ({n}): each county belongs to one or two (the county types table, uploaded per "
                      "year); within a type counties are normalised among themselves, weighted with the type's "
                      "weights and ranked. Weights that differ from the province's: {diffs}"),
    "method_group_weights": ("{type}：{weights}", "{type}: {weights}"),
    "method_group_weight": ("{name} {weight}（全省{province}）", "{name} {weight} (province {province})"),
    "method_group_same": ("{type}：与全省权重相同", "{type}: the province's weights"),
    "method_honours": ("评优榜单：{lists}。被一票否决或未排名的县区不入榜，由下一名递补；名额截止处并列的全部入榜",
                       "Honour lists: {lists}. Vetoed or unranked counties are skipped and the next takes the place; "
                       "every county tied at the cut-off is listed"),
    "method_honour": ("{name}（{kind}）", "{name} ({kind})"),
    "method_improvement_rank": ("进步：与上年同期相比的全省名次变化（上年名次 − 本期名次，前进为正），上年数据按本年方案计分；"
                                "只有名次前进的县区可入进步榜",
                                "Improvement: places moved in the province against the same period a year earlier "
                                "(last year's rank − this rank), last year scored with this year's scheme; only "
                                "counties that moved up can be listed"),
    "method_improvement_score": ("进步：与上年同期相比的综合得分变化（本期得分 − 上年得分），上年数据按本年方案计分；"
                                 "只有得分提高的县区可入进步榜",
                                 "Improvement: the change of the composite score against the same period a year "
                                 "earlier, last year scored with this year's scheme; only counties that gained can "
                                 "be listed"),
    "method_adjustments": ("加减分：{items}，加在综合得分上后排名{caps}", "Bonus points and deductions: {items}, added to "
                           "the composite score before ranking{caps}"),
    "method_adjustment": ("{name}（{kind}{cap}）", "{name} ({kind}{cap})"),
    "method_adjustment_bonus": ("加分", "bonus"),
    "method_adjustment_deduction": ("扣分", "deduction"),
    "method_adjustment_cap": ("，单项最多{cap}分", ", at most {cap}"),
    "method_caps": ("；加分合计最多{bonus}分、扣分合计最多{deduction}分", "; bonus at most {bonus} in all, deductions "
                    "at most {deduction}"),
    "method_cap_none": ("不限", "no limit"),
    "method_veto": ("一票否决：{items}——发生的县区保留得分和名次，但不参与评优", "Veto items: {items} — a county with one "
                    "keeps its score and rank but is not eligible for any honour"),
})
