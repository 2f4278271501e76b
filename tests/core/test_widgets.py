"""templates/django/forms/widgets/select.html: Django's select with its options written in
place draws the same markup as Django's own."""

from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer


class Choice(forms.Form):
    one = forms.ChoiceField(choices=[("", "全部"), ("a", "甲"), ("b", "乙 & <丙>")], required=False)
    many = forms.MultipleChoiceField(
        choices=[("组一", [("1", "一"), ("2", "二")]), ("3", "三")],
        widget=forms.SelectMultiple(attrs={"data-search": "true", "class": "form-select"}),
        required=False,
    )


def test_the_project_draws_select_widgets_with_its_own_template():
    renderer = get_default_renderer()
    assert isinstance(renderer, TemplatesSetting)
    template = renderer.get_template("django/forms/widgets/select.html")
    assert "templates/django/forms/widgets/select.html" in str(template.origin.name)


def test_the_select_markup_is_djangos():
    form = Choice({"one": "b", "many": ["2", "3"]})
    for name in ("one", "many"):
        ours = form[name].as_widget()
        bound = Choice({"one": "b", "many": ["2", "3"]}, renderer=DjangoTemplates())[name]
        django = bound.as_widget()
        assert " ".join(ours.split()) == " ".join(django.split())
    assert "selected>乙 &amp; &lt;丙&gt;</option>" in form["one"].as_widget()
    assert '<optgroup label="组一">' in form["many"].as_widget()
