"""Every model registered in the admin has a working changelist and add page."""

import pytest
from django.contrib import admin
from django.urls import reverse

REGISTERED_MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, page):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label_lower)
def test_it_shows_the_changelist(admin_client, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label_lower)
def test_it_shows_the_add_page(admin_client, admin_user, rf, model):
    # Read-only admins (has_add_permission False) must refuse cleanly, not fail.
    request = rf.get("/")
    request.user = admin_user
    can_add = admin.site._registry[model].has_add_permission(request)

    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == (200 if can_add else 403)
