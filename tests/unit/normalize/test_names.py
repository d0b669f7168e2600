import pytest

from cleanlist_server.normalize.names import (
    PersonName,
    build_name,
    name_key,
    normalize_name_part,
    split_full_name,
)

GARBAGE = [None, "", "   ", "n/a", "N/A", "-", "#N/A", "null", "None", "12345", "😀", "🇺🇸 ✨"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("JOHN", "John"),
        ("john", "John"),
        ("  Jane  ", "Jane"),
        ("mcdonald", "McDonald"),
        ("MCDONALD", "McDonald"),
        ("o'neil", "O'Neil"),
        ("O’NEIL", "O'Neil"),
        ("d'angelo", "D'Angelo"),
        ("DE LA VEGA", "de la Vega"),
        ("van der berg", "van der Berg"),
        ("Van der Berg", "Van der Berg"),
        ("VON TRAPP", "von Trapp"),
        ("mary-jane", "Mary-Jane"),
        ("SMITH-JONES", "Smith-Jones"),
        ("DeShawn", "DeShawn"),
        ("MacKenzie", "MacKenzie"),
        ("macdonald", "Macdonald"),
        ("José", "José"),
        ("JOSÉ", "José"),
        ("ÅSA", "Åsa"),
        ("Jane 🚀", "Jane"),
        ("🔥 jOhN", "John"),
        ("jANE", "Jane"),
        ("Zoë\u200d", "Zoë"),
        ("j.", "J."),
        ("Van", "Van"),
        ("李", "李"),
    ],
)
def test_normalize_name_part(raw: str, expected: str) -> None:
    assert normalize_name_part(raw) == expected


def test_normalize_name_part_given_names_keep_particles_capitalised() -> None:
    assert normalize_name_part("DE ANDRE", particles=False) == "De Andre"


@pytest.mark.parametrize("raw", GARBAGE)
def test_normalize_name_part_garbage(raw: str | None) -> None:
    assert normalize_name_part(raw) is None


@pytest.mark.parametrize(
    ("raw", "first", "middle", "last", "full"),
    [
        ("Jane Smith", "Jane", None, "Smith", "Jane Smith"),
        ("JANE SMITH", "Jane", None, "Smith", "Jane Smith"),
        ("jane smith", "Jane", None, "Smith", "Jane Smith"),
        ("Smith, John A.", "John", "A.", "Smith", "John A. Smith"),
        ("Smith, John A. Jr.", "John", "A.", "Smith", "John A. Smith Jr."),
        ("John Smith Jr.", "John", None, "Smith", "John Smith Jr."),
        ("JOHN SMITH III", "John", None, "Smith", "John Smith III"),
        ("Jean-Luc van der Berg", "Jean-Luc", None, "van der Berg", "Jean-Luc van der Berg"),
        ("van der Berg, Jean-Luc", "Jean-Luc", None, "van der Berg", "Jean-Luc van der Berg"),
        ("Dr. Jane Smith", "Jane", None, "Smith", "Jane Smith"),
        ("Mr. John Smith", "John", None, "Smith", "John Smith"),
        ("Prof. Dr. Hans Müller", "Hans", None, "Müller", "Hans Müller"),
        ("Jane Smith, MBA", "Jane", None, "Smith", "Jane Smith"),
        ("Jane Smith CPA", "Jane", None, "Smith", "Jane Smith"),
        ("Mary-Jane O'Neil PhD", "Mary-Jane", None, "O'Neil", "Mary-Jane O'Neil"),
        (
            "Dr. Juan Q. Xavier de la Vega III (Doc Vega)",
            "Juan",
            "Q. Xavier",
            "de la Vega",
            "Juan Q. Xavier de la Vega III",
        ),
        ('Robert "Bob" Jones', "Robert", None, "Jones", "Robert Jones"),
        ("DESHAWN MCDONALD", "Deshawn", None, "McDonald", "Deshawn McDonald"),
        ("DeShawn Jackson", "DeShawn", None, "Jackson", "DeShawn Jackson"),
        ("Madonna", "Madonna", None, None, "Madonna"),
        ("Ms. Smith", None, None, "Smith", "Smith"),
        ("  Li   Wei  ", "Li", None, "Wei", "Li Wei"),
        ("Jane Smith 👋", "Jane", None, "Smith", "Jane Smith"),
        ("José Álvarez", "José", None, "Álvarez", "José Álvarez"),
    ],
)
def test_split_full_name(
    raw: str, first: str | None, middle: str | None, last: str | None, full: str | None
) -> None:
    assert split_full_name(raw) == PersonName(first=first, middle=middle, last=last, full=full)


@pytest.mark.parametrize("raw", [*GARBAGE, "Dr.", "Mr.", "Jane Smith 2"])
def test_split_full_name_garbage(raw: str | None) -> None:
    assert split_full_name(raw) == PersonName(None, None, None, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first", "last", "full", "expected"),
    [
        ("jane", "SMITH", None, PersonName("Jane", None, "Smith", "Jane Smith")),
        ("Jane", "Smith", "Dr. Janet Smythe", PersonName("Jane", None, "Smith", "Jane Smith")),
        (None, None, "Smith, Jane A.", PersonName("Jane", "A.", "Smith", "Jane A. Smith")),
        ("", "n/a", "Jane Smith", PersonName("Jane", None, "Smith", "Jane Smith")),
        ("Jane", None, "Jane Smith", PersonName("Jane", None, "Smith", "Jane Smith")),
        ("Jane", None, None, PersonName("Jane", None, None, "Jane")),
        (None, "de la vega", None, PersonName(None, None, "de la Vega", "de la Vega")),
        (None, None, None, PersonName(None, None, None, None)),
        ("#N/A", "-", "   ", PersonName(None, None, None, None)),
    ],
)
def test_build_name(
    first: str | None, last: str | None, full: str | None, expected: PersonName
) -> None:
    assert build_name(first, last, full) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Jane", "Smith", "jane smith"),
        ("JANE", "smith", "jane smith"),
        ("José", "Álvarez", "jose alvarez"),
        ("Jean-Luc", "van der Berg", "jeanluc vanderberg"),
        ("Mary Jane", "O'Neil", "maryjane oneil"),
        ("Søren", "Kierkegaard", "soren kierkegaard"),
        ("Jürgen", "Groß", "jurgen gross"),
        ("Zoë", "Łukasiewicz", "zoe lukasiewicz"),
        ("Jane", None, "jane"),
        (None, "Smith", "smith"),
        (None, None, ""),
        ("123", "!!", ""),
    ],
)
def test_name_key(first: str | None, last: str | None, expected: str) -> None:
    assert name_key(first, last) == expected
