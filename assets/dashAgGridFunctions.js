// Functions dash-ag-grid calls by name (served from /assets: no CDN).
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

// Rank columns: a unit without a rank (no score — no data, or too few indicators) stays below the ranked ones
// whichever way the column is sorted (AG Grid's default puts empty values first in ascending order). AG Grid
// reverses the comparator's answer for a descending sort, hence isDescending.
dagfuncs.ranksLast = function (a, b, nodeA, nodeB, isDescending) {
    var noA = a === null || a === undefined || a === '', noB = b === null || b === undefined || b === '';
    if (noA && noB) return 0;
    if (noA) return isDescending ? -1 : 1;
    if (noB) return isDescending ? 1 : -1;
    return a - b;
};
