"""The slug field says what to do when its address is taken (no change to the table)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0026_line_ends'),
    ]

    operations = [
        migrations.AlterField(
            model_name='document',
            name='slug',
            field=models.SlugField(error_messages={'unique': 'Đã có tài liệu khác dùng đường dẫn này: hãy sửa, chẳng hạn thêm «-2».'}, help_text='Phần cuối của địa chỉ trang, chỉ gồm chữ không dấu, số và gạch nối.', max_length=200, unique=True, verbose_name='đường dẫn'),
        ),
    ]
