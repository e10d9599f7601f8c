"""The dashboard in Debian's Chromium: the charts draw from the vendored
Chart.js, and nothing is fetched from anywhere but this server."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from remediation.demo import DEMO_PASSWORD, load_demo_scenario

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAINTED = """(id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) painted++;
  return painted;
}"""


def test_it_draws_the_charts_from_its_own_server(chromium_page, live_server, tmp_path):
    load_demo_scenario()
    page = chromium_page
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/dang-nhap/?next=/tong-hop/%3Fngay%3D01/12/2019")
    page.fill("#id_username", "sonoivu")
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(
        page.get_by_role("heading", name="Tổng hợp kết quả khắc phục tồn tại, hạn chế")
    ).to_be_visible()
    # As of 01/12/2019: 5 on time, KT2019-14 within its extension, 8 overdue.
    expect(page.locator("#figure-overdue")).to_have_text("8")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-trend')")
    assert page.evaluate("() => Chart.getChart('chart-classes').data.datasets[0].data") == [
        5,
        0,
        1,
        8,
    ]
    assert page.evaluate(PAINTED, "chart-classes") > 1000
    assert page.evaluate(PAINTED, "chart-trend") > 1000
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)

    server = urlsplit(live_server.url)
    assert requests
    for url in requests:
        parts = urlsplit(url)
        assert parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost"), url
        assert parts.port == server.port, url
    assert any(url.endswith("/static/vendor/chartjs/chart.umd.js") for url in requests)

    # The table fallback holds the same numbers, linked to the task list.
    page.get_by_text("Xem số liệu dạng bảng").click()
    # Thirteen fall due in November (KT2019-14 on 15/12), five completed.
    november = page.locator("#trend-table tbody tr").filter(has_text="11/2019")
    expect(november.locator("td")).to_have_text(["13", "5"])
