import re

import pytest
from django import forms

from hromada.core.widgets import QuickSelect

CHOICES = [
    ("", "Будь-який"),
    ("a", "Тарас & <Шевченко>"),
    ("Group", [(1, "перший"), (2, "другий")]),
    ("b", 'лапки "подвійні"'),
]


def _pair(**field_options):
    class Slow(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, **field_options)

    class Quick(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, widget=QuickSelect, **field_options)

    return Slow, Quick


@pytest.mark.parametrize("data", [None, {"pick": "a"}, {"pick": "2"}, {"pick": "missing"}])
@pytest.mark.parametrize("required", [True, False])
def test_quick_select_renders_what_djangos_select_template_renders(data, required):
    slow, quick = _pair(required=required, help_text="Підказка")
    expected = str(slow(data)["pick"])
    got = str(quick(data)["pick"])
    # The same markup, but for the white space between tags that the templates leave.
    assert got == re.sub(r">\s+<", "><", expected)
    assert 'aria-describedby="id_pick_helptext' in got


def test_quick_select_keeps_model_choices_and_escapes_labels():
    class Quick(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, widget=QuickSelect(attrs={"class": "x"}))

    html = str(Quick({"pick": "a"})["pick"])
    assert '<option value="a" selected>Тарас &amp; &lt;Шевченко&gt;</option>' in html
    assert '<optgroup label="Group"><option value="1">перший</option>' in html
    assert html.startswith('<select name="pick" class="x" required id="id_pick">')
