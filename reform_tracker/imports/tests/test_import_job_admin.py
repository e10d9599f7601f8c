"""Import jobs in the admin: each seen only by its uploader and superusers,
and named in Vietnamese."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agencies.tests.factories import UserFactory
from reform_tracker.imports import services
from reform_tracker.imports.tests.workbooks import finding_row, findings_book

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:imports_importjob_changelist")


def viewer(**kwargs):
    """A staff user allowed to view import jobs (and nothing else)."""
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(Permission.objects.get(codename="view_importjob"))
    return user


def job_of(user, name):
    data = findings_book(finding_row(1))
    job = services.import_job_create(
        kind="findings", upload=SimpleUploadedFile(name, data), user=user
    )
    job.uploaded_bytes = data  # what the uploader sent, for comparing downloads
    job.preview = {"errors": [{"row": 2, "column": "Mã", "message": f"lỗi của {name}"}]}
    job.save()
    return job


@pytest.fixture
def jobs():
    me, other = viewer(), viewer()
    return job_of(me, "cua-toi.xlsx"), job_of(other, "cua-nguoi-khac.xlsx")


def change_url(job):
    return reverse("admin:imports_importjob_change", args=[job.pk])


def file_url(job):
    return reverse("admin:imports_importjob_file", args=[job.pk])


# Whose jobs -------------------------------------------------------------------


def test_it_lists_only_the_users_own_jobs(client, jobs):
    mine, _theirs = jobs
    client.force_login(mine.created_by)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [mine]
    assert "cua-nguoi-khac.xlsx" not in response.text


def test_it_hides_another_users_job_page_and_preview(client, jobs):
    mine, theirs = jobs
    client.force_login(mine.created_by)

    response = client.get(change_url(theirs), follow=True)

    assert response.redirect_chain[0] == (reverse("admin:index"), 302)
    assert "lỗi của cua-nguoi-khac.xlsx" not in response.text
    assert "lỗi của cua-toi.xlsx" in client.get(change_url(mine)).text


def test_it_lets_a_superuser_see_every_job(admin_client, jobs):
    response = admin_client.get(CHANGELIST)

    assert set(response.context["cl"].result_list) == set(jobs)


# The uploaded file ------------------------------------------------------------------


def test_it_gives_the_uploader_their_file(client, jobs):
    mine, _theirs = jobs
    client.force_login(mine.created_by)

    page = client.get(change_url(mine))
    response = client.get(file_url(mine))

    assert f'href="{file_url(mine)}"' in page.text
    assert "/media/" not in page.text
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cua-toi.xlsx"'
    # The bytes uploaded (a workbook built again differs in its zip timestamps).
    assert b"".join(response.streaming_content) == mine.uploaded_bytes


def test_it_hides_another_users_file(client, jobs):
    mine, theirs = jobs
    client.force_login(mine.created_by)

    assert client.get(file_url(theirs)).status_code == 404


def test_it_refuses_the_file_to_staff_without_view_permission(client, jobs):
    mine, _theirs = jobs
    mine.created_by.user_permissions.clear()
    client.force_login(mine.created_by)

    assert client.get(file_url(mine)).status_code == 404


# In Vietnamese -----------------------------------------------------------------------


def test_it_names_the_kind_of_each_job_in_vietnamese(admin_client, jobs):
    response = admin_client.get(CHANGELIST)

    assert '<td class="field-kind_label">Tồn tại, hạn chế</td>' in response.text
    assert ">findings<" not in response.text
    filters = {
        choice["display"]
        for spec in response.context["cl"].filter_specs
        for choice in spec.choices(response.context["cl"])
    }
    assert {"Cơ quan", "Văn bản chỉ đạo", "Tồn tại, hạn chế"} <= filters
    assert "findings" not in filters


def test_it_filters_jobs_by_kind(admin_client, jobs):
    response = admin_client.get(CHANGELIST, {"kind": "agencies"})

    assert list(response.context["cl"].result_list) == []
