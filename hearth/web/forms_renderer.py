from django.forms.renderers import TemplatesSetting


class HearthFormRenderer(TemplatesSetting):
    """Every form on the site renders the same accessible way: label, input, help, errors."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
