"""Form widgets.

``QuickSelect`` renders a select box in Python instead of through Django's widget templates.
The markup is the same as Django's ``select.html`` (attributes, option groups, ``selected``),
but a select of two thousand addressees costs a few milliseconds instead of tens: the widget
templates render each option through three template files.
"""

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A select rendered without templates (see the module's docstring)."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}
        parts = [format_html('<select name="{}"', name)]
        for attr, attr_value in final_attrs.items():
            # As django/forms/widgets/attrs.html: False leaves it out, True names it alone.
            if attr_value is True:
                parts.append(format_html(" {}", attr))
            elif attr_value is not False:
                parts.append(format_html(' {}="{}"', attr, attr_value))
        parts.append(">")
        for group, options in self._groups():
            if group is not None:
                parts.append(format_html('<optgroup label="{}">', group))
            for option_value, label in options:
                option_value = "" if option_value is None else str(option_value)
                selected = " selected" if option_value in chosen else ""
                parts.append(
                    f'<option value="{conditional_escape(option_value)}"{selected}>'
                    f"{conditional_escape(label)}</option>"
                )
                if selected and not self.allow_multiple_selected:
                    chosen = set()
            if group is not None:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

    def _groups(self):
        """(group label or None, [(value, label), ...]) in order, as ``optgroups`` sees them."""
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                yield option_value, label
            else:
                yield None, ((option_value, label),)
