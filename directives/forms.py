from django import forms

from .models import Directive


class DirectiveForm(forms.ModelForm):
    class Meta:
        model = Directive
        fields = ["symbol", "issue_date", "issuer_name", "issuer", "title", "summary", "file"]
        widgets = {"issue_date": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})}
