from curriculum.management.importing import ImportCommand
from labs.interchange import check_labs, labs_import, read_labs


class Command(ImportCommand):
    help = (
        "Import labs from a YAML or JSON file: one lab, or a 'labs' list as "
        "export_labs writes. Existing labs with the same slug are updated. A file "
        "with any error imports nothing; every error names the lab and the place."
    )

    def read(self, data: bytes, format: str) -> dict:
        return check_labs(read_labs(data, format=format))

    def write(self, document: dict):
        return labs_import(document=document)
