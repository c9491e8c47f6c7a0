import pytest

from faqbot.pack import load_pack
from faqbot.router import Router

from packs import write_pack


@pytest.fixture
def pack_dir(tmp_path):
    return write_pack(tmp_path / "pack")


@pytest.fixture
def pack(pack_dir):
    return load_pack(pack_dir)


@pytest.fixture
def router(pack):
    return Router(pack)
