"""What every painted list item shares: the style's item background (selection, hover, focus) without its text."""

from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem


def draw_item_frame(delegate, painter, option, index) -> QStyleOptionViewItem:
    """Draw the item's background as the style does, with no text; return the option for the rest of the paint."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.text = ""
    widget = opt.widget
    style = widget.style() if widget else QApplication.style()
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
    return opt
