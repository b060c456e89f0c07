"""MkDocs hook: publish a few files from outside docs/ (benchmark results
and plots) under results/, so the pages can
link to the committed results instead of copies of them."""
import glob
import os

from mkdocs.structure.files import File

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def on_files(files, config):
    extra = [(p, 'results/' + os.path.basename(p)) for p in
             glob.glob(os.path.join(ROOT, 'bench', 'results', '*'))
             if p.endswith(('.md', '.png'))]
    for src, dest in extra:
        files.append(File.generated(config, dest, abs_src_path=src))
    return files
