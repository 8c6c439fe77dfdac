"""Every row that references a user, found generically from the model graph."""

from django.apps import apps


def relations(model):
    """The model's concrete foreign keys and one-to-ones."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def all_models():
    """Every concrete table, the auto-created many-to-many ones too."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and m._meta.managed
    ]


def rows_reaching(user):
    """{model: {pk, ...}} of the user row and every row pointing at one of these,
    walking outward from the user until nothing new is found."""
    found = {type(user): {user.pk}}
    grew = True
    while grew:
        grew = False
        for model in all_models():
            for field in relations(model):
                values = target_values(found, field)
                if not values:
                    continue
                rows = model._base_manager.filter(**{f"{field.attname}__in": values})
                pks = set(rows.values_list("pk", flat=True))
                if not pks <= found.get(model, set()):
                    found.setdefault(model, set()).update(pks)
                    grew = True
    return found


def target_values(found, field):
    """The values `field` would hold to point at one of the found rows."""
    target = field.related_model
    pks = found.get(target)
    if not pks:
        return set()
    attname = field.target_field.attname
    if attname == target._meta.pk.attname:
        return set(pks)
    return set(target._base_manager.filter(pk__in=pks).values_list(attname, flat=True))


def keys_of(found):
    """What a foreign key to each found row would hold, per (model, target field)."""
    keys = {}
    for model in all_models():
        for field in relations(model):
            values = target_values(found, field)
            if values:
                keys[(model, field)] = values
    return keys


def rows_pointing_at(keys):
    """(model label, field name, count) of rows whose foreign key holds one of
    `keys` (as keys_of gave them)."""
    left = []
    for (model, field), values in keys.items():
        count = model._base_manager.filter(**{f"{field.attname}__in": values}).count()
        if count:
            left.append((model._meta.label, field.name, count))
    return left
