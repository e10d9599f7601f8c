"""Every model registered in the admin has a working changelist and add page."""

import pytest
from django.contrib import admin
from django.urls import reverse

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
# Import jobs are created by uploading a workbook, never by hand.
ADDABLE_MODELS = [m for m in REGISTERED_MODELS if m._meta.label_lower != "imports.importjob"]


def admin_url(model, page):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label_lower)
def test_it_shows_the_changelist(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200


@pytest.mark.parametrize("model", ADDABLE_MODELS, ids=lambda model: model._meta.label_lower)
def test_it_shows_the_add_page(admin_client, model):
    assert admin_client.get(admin_url(model, "add")).status_code == 200
