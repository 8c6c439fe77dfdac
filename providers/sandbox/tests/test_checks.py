"""System checks keep the sandbox out of production."""

from django.core.checks import Error, Warning

from providers.sandbox.checks import check_sandbox_debug, check_sandbox_deploy

from .helpers import call


def test_sandbox_with_debug_off_warns(settings):
    settings.PROVIDER_SANDBOX, settings.DEBUG = True, False
    [warning] = check_sandbox_debug(None)
    assert isinstance(warning, Warning)
    assert warning.id == "sandbox.W001"


def test_sandbox_with_debug_on_is_quiet(settings):
    settings.PROVIDER_SANDBOX, settings.DEBUG = True, True
    assert check_sandbox_debug(None) == []


def test_deploy_check_fails_when_the_sandbox_is_on(settings):
    settings.PROVIDER_SANDBOX = True
    [error] = check_sandbox_deploy(None)
    assert isinstance(error, Error)
    assert error.id == "sandbox.E001"


def test_deploy_check_passes_without_the_sandbox(settings):
    settings.PROVIDER_SANDBOX = False
    assert check_sandbox_deploy(None) == []


def test_check_deploy_command_reports_the_sandbox(settings):
    settings.PROVIDER_SANDBOX = True
    output = call("check", "--deploy", "--tag", "security", expect_failure=True)
    assert "sandbox.E001" in output
