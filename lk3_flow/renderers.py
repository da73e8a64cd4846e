"""How viewflow's form layout draws the widgets of ours it does not know (settings.VIEWFLOW)."""

from typing import Any
from xml.etree import ElementTree

from viewflow.forms.renderers import WidgetRenderer


class NativeSelectRenderer(WidgetRenderer):
    """`lk3_flow.fields.NativeSelect` as a labelled <select> in the form's grid.

    The element tree escapes every label and value, as the rest of viewflow's form does.
    """

    def create_root(self, context: dict[str, Any]) -> ElementTree.Element:
        widget = context["widget"]
        field = ElementTree.SubElement(self.root, "div", {"class": "lk3-native-select"})
        label = ElementTree.SubElement(field, "label", {"for": widget["attrs"].get("id", "")})
        label.text = str(self.bound_field.label or "")
        attrs = {
            key: str(value) if value is not True else key
            for key, value in widget["attrs"].items()
            if value is not False
        }
        select = ElementTree.SubElement(field, "select", {**attrs, "name": widget["name"]})
        if self.bound_field.errors:
            select.set("aria-invalid", "true")
        for group_name, options, _index in widget["optgroups"]:
            parent = (
                ElementTree.SubElement(select, "optgroup", {"label": str(group_name)})
                if group_name
                else select
            )
            for option in options:
                element = ElementTree.SubElement(parent, "option", {"value": str(option["value"])})
                element.text = str(option["label"])
                if option["selected"]:
                    element.set("selected", "selected")
        for text, css in (
            (self.bound_field.errors[0] if self.bound_field.errors else "", "lk3-field-error"),
            (self.bound_field.help_text, "lk3-field-help"),
        ):
            if text:
                note = ElementTree.SubElement(field, "p", {"class": css})
                note.text = str(text)
        return field
