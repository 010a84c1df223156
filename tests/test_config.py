"""The config file: where it is, what it may set, how a bad one is reported, and `readlist config`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from readlist import config
from readlist.errors import ConfigError, ExitCode

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def config_file(private_home: Path) -> Path:
    """Where readlist looks by default in a test's private home (XDG_CONFIG_HOME)."""
    folder = private_home / ".config" / "readlist"
    folder.mkdir(parents=True)
    return folder / "config.toml"


def test_the_file_is_in_the_user_config_dir_unless_readlist_config_names_one(config_file, tmp_path, monkeypatch):
    assert config.config_path() == config_file
    monkeypatch.setenv("READLIST_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert config.config_path() == tmp_path / "elsewhere.toml"


def test_a_missing_file_means_the_defaults(config_file) -> None:
    settings = config.load()
    assert settings == config.Settings(file=config_file, exists=False)


def test_every_setting_is_read(config_file) -> None:
    config_file.write_text(
        'db = "lists/papers.json"\neditor = "code --wait"\nprofile = "biblatex"\n\n'
        '[list]\ncolumns = ["key", "date", "title"]\n',
        encoding="utf-8",
    )
    settings = config.load()
    assert settings.exists
    assert settings.db == config_file.parent / "lists" / "papers.json"  # relative to the config file
    assert settings.editor == "code --wait"
    assert settings.profile == "biblatex"
    assert settings.list_columns == ("key", "date", "title")


def test_a_home_relative_db_is_expanded(config_file, private_home) -> None:
    config_file.write_text('db = "~/papers.json"\n', encoding="utf-8")
    assert config.load().db == private_home / "papers.json"


def test_a_byte_order_mark_is_accepted(config_file) -> None:
    config_file.write_bytes(b'\xef\xbb\xbfeditor = "nano"\n')
    assert config.load().editor == "nano"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param('db = "a.json"\ncolour = "red"\n', ":2: unknown setting colour;", id="unknown_setting"),
        pytest.param(
            '[list]\ncolumns = ["key"]\nwidth = 80\n', ":3: unknown setting [list] width;", id="unknown_in_list"
        ),
        pytest.param(
            '[list]\ncolumns = ["key", "colour"]\n',
            ":2: unknown column 'colour'; the columns are key,",
            id="unknown_column",
        ),
        pytest.param('[list]\ncolumns = ["key", "key"]\n', ":2: columns names a column twice", id="column_twice"),
        pytest.param("[list]\ncolumns = []\n", ":2: columns must be a list of column names", id="no_columns"),
        pytest.param(
            '[list]\ncolumns = "key"\n', ":2: columns must be a list of column names", id="columns_not_a_list"
        ),
        pytest.param('list = "key"\n', ":1: list must be a table", id="list_not_a_table"),
        pytest.param("db = 3\n", ":1: db must be a non-empty string", id="db_not_text"),
        pytest.param('editor = ""\n', ":1: editor must be a non-empty string", id="empty_editor"),
        pytest.param(
            'profile = "amsrefs"\n', ":1: unknown profile 'amsrefs'; use bibtex or biblatex", id="unknown_profile"
        ),
        pytest.param('editor = "vim\n', ":1: not valid TOML: ", id="unclosed_string"),
        pytest.param('db = "a"\ndb = "b"\n', ":2: not valid TOML: ", id="set_twice"),
    ],
)
def test_a_file_readlist_cannot_use_is_an_error_naming_file_and_line(config_file, text: str, message: str) -> None:
    config_file.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load()
    assert caught.value.message.startswith(f"{config_file}{message}")
    assert caught.value.exit_code == ExitCode.USAGE


def test_a_file_that_is_not_text_is_an_error(config_file) -> None:
    config_file.write_bytes(b"db = \xff\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        config.load()


def test_a_config_path_that_is_a_directory_is_an_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("READLIST_CONFIG", str(tmp_path))
    with pytest.raises(ConfigError, match="cannot read the config file"):
        config.load()


def test_the_editor_is_visual_then_editor_then_the_config_file(config_file, monkeypatch) -> None:
    assert config.editor_choice() == (None, "default")
    config_file.write_text('editor = "nano"\n', encoding="utf-8")
    assert config.editor_choice() == ("nano", "config")
    monkeypatch.setenv("EDITOR", "vim")
    assert config.editor_choice() == ("vim", "$EDITOR")
    monkeypatch.setenv("VISUAL", "code --wait")
    assert config.editor_choice() == ("code --wait", "$VISUAL")


def test_readme_config_example_is_a_valid_config(tmp_path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### config", 1)[1]
    example = re.search(r"```toml\n(.*?)```", section, flags=re.S)
    assert example is not None
    path = tmp_path / "config.toml"
    path.write_text(example.group(1), encoding="utf-8")
    settings = config.load(path)
    assert settings.db and settings.editor and settings.profile and settings.list_columns


# -- through the command line -----------------------------------------------------------------
PAPERS = [("Sparse Routers for Tiny Transformers", "Clément Souza, Bo Chen", "Routers route tokens.", None)]


def test_the_store_is_db_then_env_then_config_then_data_dir(cli, config_file, tmp_path, monkeypatch, private_home):
    def store_setting(*options: str) -> dict[str, str]:
        return cli.json(*options, "config")["settings"]["db"]

    monkeypatch.delenv("READLIST_DB")
    assert store_setting() == {
        "value": str(private_home / ".local" / "share" / "readlist" / "readlist.json"),
        "from": "default",
    }
    config_file.write_text(f'db = "{tmp_path / "configured.json"}"\n', encoding="utf-8")
    assert store_setting() == {"value": str(tmp_path / "configured.json"), "from": "config"}
    monkeypatch.setenv("READLIST_DB", str(tmp_path / "env.json"))
    assert store_setting() == {"value": str(tmp_path / "env.json"), "from": "$READLIST_DB"}
    assert store_setting("--db", str(tmp_path / "opt.json")) == {"value": str(tmp_path / "opt.json"), "from": "--db"}


def test_commands_use_the_store_the_config_file_names(cli, config_file, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("READLIST_DB")
    config_file.write_text('db = "papers.json"\n', encoding="utf-8")
    cli("add", "--title", "Configured Store", "--author", "Ann Lee", "--year", "2024")
    assert (config_file.parent / "papers.json").is_file()
    assert cli("list", "--keys").stdout.split() == ["lee2024configured"]
    assert not (tmp_path / "store.json").exists()


def test_export_takes_the_config_files_profile_unless_one_is_given(cli, config_file, write_digest) -> None:
    cli("import", str(write_digest("d.txt", "ML", "2024-02-01", PAPERS)))
    assert "Souza, Cl{\\'e}ment" in cli("export").stdout
    config_file.write_text('profile = "biblatex"\n', encoding="utf-8")
    assert "Souza, Clément" in cli("export").stdout
    assert "Souza, Cl{\\'e}ment" in cli("export", "--profile", "bibtex").stdout


def test_a_bad_config_file_stops_a_command_that_needs_it(cli, config_file, monkeypatch) -> None:
    monkeypatch.delenv("READLIST_DB")
    config_file.write_text('db = "a.json"\ncolour = "red"\n', encoding="utf-8")
    result = cli("list", ok=False)
    assert result.exit_code == ExitCode.USAGE
    assert (
        result.stderr
        == f"Error: {config_file}:2: unknown setting colour; the settings are db, editor, profile and [list] columns\n"
    )


def test_help_never_reads_the_config_file(cli, config_file) -> None:
    config_file.write_text("not toml at all [", encoding="utf-8")
    assert cli("--help").exit_code == 0
    assert cli("list", "--help").exit_code == 0
    assert "config file" in cli("--help").stdout  # the top-level help says where it is


def test_help_imports_no_config_reader() -> None:
    """`readlist --help` stays instant: neither tomllib nor platformdirs is loaded for it."""
    import subprocess

    code = "import sys; from readlist.cli import app; print('tomllib' in sys.modules, 'readlist.config' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_config_command_shows_the_file_and_each_setting_with_its_source(cli, config_file, monkeypatch) -> None:
    shown = cli("config").stdout
    assert f"config file   {config_file}  (not there: the defaults apply)" in shown
    assert re.search(r"^profile +bibtex  \(default\)$", shown, flags=re.M)
    config_file.write_text(
        'editor = "nano"\nprofile = "biblatex"\n[list]\ncolumns = ["key", "title"]\n', encoding="utf-8"
    )
    monkeypatch.setenv("EDITOR", "vim")
    data = cli.json("config")
    assert data["file"] == str(config_file) and data["exists"] is True
    assert list(data["settings"]) == ["db", "editor", "profile", "list.columns"]
    assert data["settings"]["editor"] == {"value": "vim", "from": "$EDITOR"}
    assert data["settings"]["profile"] == {"value": "biblatex", "from": "config"}
    assert data["settings"]["list.columns"] == {"value": ["key", "title"], "from": "config"}
    assert re.search(r"^list\.columns +key, title  \(config\)$", cli("config").stdout, flags=re.M)


def test_config_command_reports_a_bad_file(cli, config_file) -> None:
    config_file.write_text("[list]\ncolumns = ['key', 'colour']\n", encoding="utf-8")
    result = cli("config", ok=False)
    assert result.exit_code == ExitCode.USAGE and f"{config_file}:2: unknown column 'colour'" in result.stderr
    as_json = cli("config", "--json", ok=False)
    assert as_json.exit_code == ExitCode.USAGE and as_json.stdout == ""  # no half-true settings
