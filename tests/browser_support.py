"""Steps the browser journeys share."""


def log_in(page, username, password):
    page.goto("/akun/masuk/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(lambda url: "/akun/masuk/" not in url)
