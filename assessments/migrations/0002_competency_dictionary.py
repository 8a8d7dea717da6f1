"""The competency dictionary (PermenPANRB 38/2017): the eight managerial competencies and the
socio-cultural Perekat Bangsa with its five level titles and behaviour indicators; the default
standard levels per jenis/jenjang (domain.md, unconfirmed: editable in the admin); and the HR
group's permissions on this app. All of it is data, editable later; this only seeds it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COMPETENCIES = [
    ("integritas", "Integritas", "manajerial",
     "Konsisten berperilaku selaras dengan nilai, norma dan/atau etika organisasi, dan jujur "
     "dalam hubungan dengan manajemen, rekan kerja, bawahan langsung, dan pemangku kepentingan."),
    ("kerjasama", "Kerja Sama", "manajerial",
     "Kemampuan menjalin, membina, mempertahankan hubungan kerja yang efektif, memiliki "
     "komitmen saling membantu dalam penyelesaian tugas, dan mengoptimalkan segala sumberdaya."),
    ("komunikasi", "Komunikasi", "manajerial",
     "Kemampuan untuk menerangkan pandangan dan gagasan secara jelas, sistematis disertai "
     "argumentasi yang logis dengan cara-cara yang sesuai baik secara lisan maupun tertulis."),
    ("orientasi_hasil", "Orientasi pada Hasil", "manajerial",
     "Kemampuan mempertahankan komitmen pribadi yang tinggi untuk menyelesaikan tugas, dapat "
     "diandalkan, bertanggung jawab, dan mampu mengidentifikasi risiko dan peluang."),
    ("pelayanan_publik", "Pelayanan Publik", "manajerial",
     "Kemampuan dalam melaksanakan tugas-tugas pemerintahan, pembangunan dan kegiatan pemenuhan "
     "kebutuhan pelayanan publik secara profesional, transparan, mengikuti standar pelayanan."),
    ("pengembangan_diri", "Pengembangan Diri dan Orang Lain", "manajerial",
     "Kemampuan untuk meningkatkan pengetahuan dan menyempurnakan keterampilan diri; menginspirasi "
     "orang lain untuk mengembangkan dan menyempurnakan pengetahuan dan keterampilan."),
    ("mengelola_perubahan", "Mengelola Perubahan", "manajerial",
     "Kemampuan dalam menyesuaikan diri dengan situasi yang baru atau berubah dan tidak bergantung "
     "secara berlebihan pada metode dan proses lama."),
    ("pengambilan_keputusan", "Pengambilan Keputusan", "manajerial",
     "Kemampuan membuat keputusan yang baik secara tepat waktu dan dengan keyakinan diri setelah "
     "mempertimbangkan prinsip kehati-hatian, dirumuskan secara sistematis dan seksama."),
    ("perekat_bangsa", "Perekat Bangsa", "sosial_kultural",
     "Kemampuan dalam mempromosikan sikap toleransi, keterbukaan, peka terhadap perbedaan "
     "individu/kelompok masyarakat; mampu menjadi perpanjangan tangan pemerintah dalam "
     "mempersatukan masyarakat dan membangun hubungan sosial psikologis dengan masyarakat di "
     "tengah kemajemukan Indonesia sehingga menciptakan kelekatan yang kuat antara ASN dan para "
     "pemangku kepentingan serta di antara para pemangku kepentingan itu sendiri; menjaga, "
     "mengembangkan, dan mewujudkan rasa persatuan dan kesatuan dalam kehidupan bermasyarakat, "
     "berbangsa dan bernegara Indonesia."),
]

PEREKAT_BANGSA_LEVELS = [
    (1, "Peka memahami dan menerima kemajemukan", [
        "Mampu memahami, menerima, peka terhadap perbedaan individu/kelompok masyarakat.",
        "Terbuka, ingin belajar tentang perbedaan/kemajemukan masyarakat.",
        "Mampu bekerja bersama dengan individu yang berbeda latar belakang dengannya.",
    ]),
    (2, "Aktif mengembangkan sikap saling menghargai, menekankan persamaan dan persatuan", [
        "Menampilkan sikap dan perilaku yang peduli akan nilai-nilai keberagaman dan menghargai "
        "perbedaan.",
        "Membangun hubungan baik antar individu dalam organisasi, mitra kerja, dan pemangku "
        "kepentingan.",
        "Bersikap tenang, mampu mengendalikan emosi, kemarahan dan frustasi dalam menghadapi "
        "pertentangan yang ditimbulkan oleh perbedaan latar belakang, agama/kepercayaan, suku, "
        "jender, sosial ekonomi, dan preferensi politik di lingkungan unit kerjanya.",
    ]),
    (3, "Mempromosikan, mengembangkan sikap toleransi dan persatuan", [
        "Mempromosikan sikap menghargai perbedaan di antara orang-orang yang mendorong toleransi "
        "dan keterbukaan.",
        "Melakukan pemetaan sosial di masyarakat sehingga dapat memberikan respon yang sesuai "
        "dengan budaya yang berlaku, dan mengidentifikasi potensi kesalahpahaman yang diakibatkan "
        "keragaman budaya.",
        "Menjadi mediator untuk menyelesaikan konflik atau mengurangi dampak negatif dari konflik "
        "atau potensi konflik.",
    ]),
    (4, "Mendayagunakan perbedaan secara konstruktif dan kreatif untuk meningkatkan efektivitas "
        "organisasi", [
        "Menginisiasi dan merepresentasikan pemerintah di lingkungan kerja dan masyarakat untuk "
        "senantiasa menjaga persatuan dan kesatuan dalam keberagaman.",
        "Mampu mendayagunakan perbedaan latar belakang, agama/kepercayaan, suku, jender, sosial "
        "ekonomi, dan preferensi politik untuk mencapai tujuan organisasi.",
        "Mampu membuat program yang mengakomodasi perbedaan latar belakang, agama/kepercayaan, "
        "suku, jender, sosial ekonomi, dan preferensi politik.",
    ]),
    (5, "Wakil pemerintah untuk membangun hubungan sosial psikologis", [
        "Menjadi wakil pemerintah yang mampu membangun hubungan sosial psikologis dengan "
        "masyarakat sehingga menciptakan kelekatan yang kuat antara ASN dan para pemangku "
        "kepentingan.",
        "Mampu mengomunikasikan dampak risiko yang teridentifikasi dan merekomendasikan tindakan "
        "korektif dengan mempertimbangkan perbedaan latar belakang untuk membangun hubungan jangka "
        "panjang.",
        "Mampu membuat kebijakan yang mengakomodasi perbedaan latar belakang, agama/kepercayaan, "
        "suku, jender, sosial ekonomi, dan preferensi politik yang berdampak positif secara "
        "nasional.",
    ]),
]

DEFAULT_STANDARDS = [
    ("jpt_utama", "", 5), ("jpt_madya", "", 5), ("jpt_pratama", "", 4),
    ("administrator", "", 3), ("pengawas", "", 2), ("pelaksana", "", 1),
    ("fungsional", "ahli_utama", 4), ("fungsional", "ahli_madya", 3),
    ("fungsional", "ahli_muda", 2), ("fungsional", "ahli_pertama", 1),
    ("fungsional", "penyelia", 3), ("fungsional", "mahir", 1),
    ("fungsional", "terampil", 1), ("fungsional", "pemula", 1),
]

HR_GROUP = "Kepegawaian"


def load(apps, schema_editor):
    Competency = apps.get_model("assessments", "Competency")
    CompetencyLevel = apps.get_model("assessments", "CompetencyLevel")
    LevelIndicator = apps.get_model("assessments", "LevelIndicator")
    DefaultStandardLevel = apps.get_model("assessments", "DefaultStandardLevel")

    for order, (code, name, kind, description) in enumerate(COMPETENCIES, start=1):
        Competency.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "description": description,
                                 "order": order},
        )
    perekat_bangsa = Competency.objects.get(code="perekat_bangsa")
    for level, title, indicators in PEREKAT_BANGSA_LEVELS:
        competency_level, _ = CompetencyLevel.objects.update_or_create(
            competency=perekat_bangsa, level=level, defaults={"title": title}
        )
        for order, text in enumerate(indicators, start=1):
            LevelIndicator.objects.update_or_create(
                competency_level=competency_level, order=order, defaults={"text": text}
            )
    for jenis, jenjang, level in DEFAULT_STANDARDS:
        DefaultStandardLevel.objects.update_or_create(
            jenis=jenis, jenjang=jenjang, defaults={"level": level}
        )

    app_config = apps.get_app_config("assessments")
    app_config.models_module = True  # the migration state's stub lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    hr, _ = Group.objects.get_or_create(name=HR_GROUP)
    hr.permissions.add(*Permission.objects.filter(content_type__app_label="assessments"))


def unload(apps, schema_editor):
    apps.get_model("assessments", "DefaultStandardLevel").objects.all().delete()
    apps.get_model("assessments", "CompetencyLevel").objects.all().delete()
    apps.get_model("assessments", "Competency").objects.filter(
        code__in=[c[0] for c in COMPETENCIES], standards__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("employees", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(load, unload)]
