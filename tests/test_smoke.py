from lhtl_desktop.cli import main


def test_cli_init_and_units(db_path, capsys):
    assert main(["--db", str(db_path), "init", "--unit", "14389", "--officer", "Nguyễn Văn An"]) == 0
    assert "Huyện Nho Quan" in capsys.readouterr().out
