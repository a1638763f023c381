# Imported partner records and uploads waiting for confirmation (intake/importing.py).

import django.db.models.deletion
import django.db.models.manager
import standtogether.core.fields
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0001_initial'),
        ('partners', '0004_public_text_translations'),
    ]

    operations = [
        migrations.CreateModel(
            name='PendingImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('content', standtogether.core.fields.EncryptedTextField(blank=True, help_text='the decoded CSV text', null=True)),
                ('file_sha256', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField()),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.agency')),
                ('membership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='partners.membership')),
            ],
            options={
                'base_manager_name': 'system',
                'default_manager_name': 'system',
            },
            managers=[
                ('system', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='ImportedRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('uuid', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('record_index', models.CharField(max_length=64)),
                ('partner_record_id', standtogether.core.fields.EncryptedTextField(blank=True, null=True)),
                ('fingerprint', models.CharField(max_length=64)),
                ('partner_status', standtogether.core.fields.EncryptedTextField(blank=True, help_text="the outcome or status in the partner's record, if given", null=True)),
                ('file_sha256', models.CharField(max_length=64)),
                ('imported_at', models.DateTimeField()),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='imported_records', to='partners.agency')),
                ('report', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='imported_record', to='intake.report')),
            ],
            options={
                'base_manager_name': 'system',
                'default_manager_name': 'system',
                'constraints': [models.UniqueConstraint(fields=('agency', 'record_index'), name='one_import_per_partner_record')],
            },
            managers=[
                ('system', django.db.models.manager.Manager()),
            ],
        ),
    ]
