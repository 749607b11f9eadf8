"""The desk's routing hint: as the clerk picks the category and village, which unit the rules propose and why."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jiefen.cases.forms import centre_villages
from jiefen.cases.models import Category, LegalClass
from jiefen.org import authz
from jiefen.org.models import Unit

from .rules import propose


class RouteHintForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all(), required=False)
    village = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)
    legal_class = forms.ChoiceField(choices=[("", "")] + list(LegalClass.choices), required=False)
    accused_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = centre_villages(user)
        centre = authz.scope_of(user).centre
        if centre is not None:
            self.fields["accused_unit"].queryset = centre.subtree()


@login_required
def desk_route(request):
    """htmx: as the clerk picks the category and village, say which unit the routing rules propose and why."""
    form = RouteHintForm(request.GET, user=request.user)
    proposal = None
    if form.is_valid() and form.cleaned_data["category"]:
        data = form.cleaned_data
        proposal = propose(
            authz.scope_of(request.user).centre, data["category"], data["village"], data["legal_class"],
            data["accused_unit"] if data["legal_class"] == LegalClass.ACCUSATION else None,
        )
    return render(request, "routing/_route_hint.html", {"proposal": proposal, "asked": form.is_valid()})
