"""Create the Editors and Curators groups with the model permissions each role needs.

Row-level rules (an editor edits only their own drafts) are enforced by the views and
services; these permissions say which kinds of record each role may touch at all.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("cases", "add_event"),
    ("cases", "change_event"),
    ("cases", "view_event"),
    ("cases", "add_goodpractice"),
    ("cases", "change_goodpractice"),
    ("cases", "view_goodpractice"),
    ("cases", "add_city"),
    ("cases", "view_city"),
    ("cases", "view_country"),
    ("cases", "add_organisation"),
    ("cases", "view_organisation"),
    ("cases", "add_source"),
    ("cases", "view_source"),
    ("challenges", "view_challenge"),
    ("challenges", "view_theme"),
    ("taggit", "add_tag"),
    ("taggit", "view_tag"),
]

CURATOR_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    ("cases", "review_event"),
    ("cases", "review_goodpractice"),
    ("cases", "delete_event"),
    ("cases", "delete_goodpractice"),
    ("cases", "change_city"),
    ("cases", "change_organisation"),
    ("cases", "change_source"),
    ("taggit", "change_tag"),
]

GROUPS = {"Editors": EDITOR_PERMISSIONS, "Curators": CURATOR_PERMISSIONS}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations run; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in codenames
        ]
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("challenges", "0001_initial"),
        ("cases", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
