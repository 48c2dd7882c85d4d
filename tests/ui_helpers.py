"""Helpers shared by the page tests: text of a component tree, and the phone-width check."""

OUTPUT_NAME = "output"

# One column on a phone: nothing wider than the window, charts redrawn to fit (plotly resizes a moment after the
# window; a chart inside a .scroll-x box, the targets heatmap, scrolls sideways by design).
PHONE_FITS = """return document.documentElement.scrollWidth <= window.innerWidth && Array.from(
    document.querySelectorAll('.js-plotly-plot .svg-container')).filter(e => !e.closest('.scroll-x'))
    .every(e => e.getBoundingClientRect().width <= window.innerWidth)"""


def component_text(component) -> str:
    """All text in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(component_text(c) for c in component)
    return component_text(getattr(component, "children", None))
