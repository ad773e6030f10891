"""Give the Curators group the permissions over people and their statements.

People came with issue 10 after the groups were made (0002), so curators could neither correct
a person nor reach a person's history and deleted versions in the admin. The group only bundles
permissions: the site and the admin ask for the permissions themselves.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PEOPLE_PERMISSIONS = [
    "add_person",
    "change_person",
    "view_person",
    "add_statement",
    "change_statement",
    "view_statement",
]


def _permissions(apps):
    # Permissions are normally created after all migrations run; the group needs them now.
    app_config = apps.get_app_config("cases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="cases", codename__in=PEOPLE_PERMISSIONS
    )


def grant(apps, schema_editor):
    curators, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Curators")
    curators.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    curators = apps.get_model("auth", "Group").objects.filter(name="Curators").first()
    if curators:
        curators.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_translations")]

    operations = [migrations.RunPython(grant, revoke)]
