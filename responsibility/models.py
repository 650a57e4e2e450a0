"""
The shared responsibility model as data.

AWS secures the cloud itself; the customer secures what they put in it. Where the
line falls depends on the kind of service, so duties are recorded per service
category and responsibility area, and a service may override its category where
it really differs.
"""

from django.db import models
from django.urls import reverse

from curriculum.models import SluggedModel, Topic
from curriculum.sources import source_field


class Owner(models.TextChoices):
    """Who carries a duty."""

    AWS = "aws", "AWS"
    CUSTOMER = "customer", "Customer"
    SHARED = "shared", "Shared"


class ServiceCategory(SluggedModel):
    """
    One of AWS's three service categories: infrastructure, container, abstracted.

    The category sets the default split of duties between AWS and the customer
    for every service in it.
    """

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    summary = models.TextField()
    aws_manages = models.TextField("what AWS manages")
    customer_manages = models.TextField("what the customer manages")
    examples = models.CharField(max_length=300, blank=True)
    note = models.TextField(
        blank=True, help_text="A clarification shown with the category."
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "service category"
        verbose_name_plural = "service categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("responsibility:category", args=[self.slug])


class ResponsibilityArea(SluggedModel):
    """A layer of the stack a duty is about, from the building up to the data."""

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Duty(models.Model):
    """Who secures one area for every service of one category, and why."""

    category = models.ForeignKey(
        ServiceCategory, on_delete=models.CASCADE, related_name="duties"
    )
    area = models.ForeignKey(
        ResponsibilityArea, on_delete=models.CASCADE, related_name="duties"
    )
    owner = models.CharField(max_length=10, choices=Owner.choices)
    explanation = models.TextField()

    class Meta:
        ordering = ["category__order", "area__order"]
        verbose_name_plural = "duties"
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"], name="one_duty_per_category_and_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.area}: {self.get_owner_display()}"


class Service(SluggedModel):
    """An AWS service, placed in one category, with the reason for the placement."""

    name = models.CharField(max_length=150, unique=True)
    short_name = models.CharField(max_length=40)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="services"
    )
    description = models.TextField()
    docs_url = models.URLField("AWS documentation")
    placement = models.TextField(
        help_text="The source or reasoning for the service's category."
    )
    source = source_field()

    class Meta:
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("responsibility:service", args=[self.slug])


class ServiceDuty(models.Model):
    """A service's own split for one area, where it differs from its category."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="overrides"
    )
    area = models.ForeignKey(
        ResponsibilityArea, on_delete=models.CASCADE, related_name="overrides"
    )
    owner = models.CharField(max_length=10, choices=Owner.choices)
    explanation = models.TextField()

    class Meta:
        ordering = ["service__short_name", "area__order"]
        verbose_name = "service override"
        verbose_name_plural = "service overrides"
        constraints = [
            models.UniqueConstraint(
                fields=["service", "area"], name="one_override_per_service_and_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} / {self.area}: {self.get_owner_display()}"


class Guide(SluggedModel):
    """A short lesson in Markdown; rendered sanitized, so admin text cannot inject."""

    title = models.CharField(max_length=150)
    order = models.PositiveSmallIntegerField(default=0)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown.")
    source = source_field()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("responsibility:guide", args=[self.slug])


class TopicStudy(models.Model):
    """
    Where to study a topic: its guide, its service category, its matrix row.

    Kept here rather than on the topic, because the pages it points at are this
    app's and topics belong to the curriculum, which knows nothing above it.
    """

    topic = models.OneToOneField(Topic, on_delete=models.CASCADE, related_name="study")
    guide = models.ForeignKey(
        Guide,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topic_studies",
    )
    category = models.ForeignKey(
        ServiceCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topic_studies",
    )
    area = models.ForeignKey(
        ResponsibilityArea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topic_studies",
    )

    class Meta:
        verbose_name = "where to study a topic"
        verbose_name_plural = "where to study topics"

    def __str__(self) -> str:
        return str(self.topic)
