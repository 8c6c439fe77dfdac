from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac

from .timezones import validate_time_zone, zone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        # Email is the login identifier and is unique case-insensitively.
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An athlete (or a staff member). Logs in with an email address, no username."""

    # unique=True for Django's auth checks; the Lower() constraint makes it case-blind.
    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    # IANA name; the athlete's days (calendar, matching, end of day) are in it.
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone]
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Part of every session's auth hash: a new value logs out every session, even in
    # session stores we cannot list (trainlytics/sessions.py). Blank until first used,
    # so sessions opened before this field existed stay valid.
    session_salt = models.CharField(max_length=32, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_ci_unique",
                violation_error_message="A user with this email already exists.",
            ),
        ]

    def __str__(self):
        return self.email

    @property
    def tzinfo(self):
        return zone(self.time_zone)

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def _get_session_auth_hash(self, secret=None):
        if not self.session_salt:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "trainlytics.User.get_session_auth_hash",
            f"{self.password}:{self.session_salt}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def rotate_session_salt(self):
        """Invalidate every session's auth hash; the caller re-signs any it keeps."""
        self.session_salt = get_random_string(32)
        type(self).objects.filter(pk=self.pk).update(session_salt=self.session_salt)


class UserSession(models.Model):
    """A session a user logged in with, so it can be ended from another one."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.user} since {self.created:%Y-%m-%d %H:%M}"
