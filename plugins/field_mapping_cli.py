"""``main.py map-fields FILE``: the suggested field mapping of a city's layer, printed or saved as JSON.

The saved file is the one the import assistant writes and the layer specs of ``main.py run`` accept
(``--poles "poles.gpkg|mapping=poles_map.json"``), so a monthly export is mapped the same way every time.

Example::

    python main.py map-fields poles.gpkg --kind lamp_poles --write-mapping poles_map.json
    python main.py map-fields poles.gpkg --mapping poles_map.json     # check it: notes, or the problems
"""

from __future__ import annotations

import argparse
import json
import sys

from layers.errors import LayerError
from layers.field_mapping import load_mapping, map_layer
from layers.field_suggestions import suggest_mapping
from layers.i18n import translate
from layers.io import open_layers
from layers.kinds import KINDS
from layers.layer import VectorLayer

EXIT_OK, EXIT_FAILED = 0, 1


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``map-fields`` on ``main.py``'s sub-command parser."""
    parser = subparsers.add_parser("map-fields",
                                   help=translate("Cli", "suggest (or check) how a layer's fields map to a kind"))
    parser.add_argument("file", help=translate("Cli", "the data file, e.g. poles.gpkg"))
    parser.add_argument("--layer", help=translate("Cli", "the layer inside a multi-layer file"))
    parser.add_argument("--kind", choices=sorted(KINDS),
                        help=translate("Cli", "the target kind (guessed from the fields otherwise)"))
    parser.add_argument("--write-mapping", metavar="FILE.json",
                        help=translate("Cli", "save the suggested mapping there"))
    parser.add_argument("--mapping", metavar="FILE.json",
                        help=translate("Cli", "check a saved mapping against the file instead"))
    parser.set_defaults(handler=handle_map_fields)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_FAILED


def handle_map_fields(args: argparse.Namespace) -> int:
    try:
        layers = [layer for layer in open_layers(args.file, layer=args.layer) if isinstance(layer, VectorLayer)]
    except LayerError as exc:
        return _fail(str(exc))
    if len(layers) != 1:
        names = ", ".join(repr(layer.name) for layer in layers) or translate("FieldMappingCli", "none")
        return _fail(translate(
            "FieldMappingCli", "{file}: choose one vector layer with --layer (it holds: {names})").format(
            file=args.file, names=names))
    layer = layers[0]
    if args.mapping:
        try:
            mapped = map_layer(layer, load_mapping(args.mapping), mapping_name=args.mapping)
        except LayerError as exc:
            return _fail(str(exc))
        print(json.dumps({"layer": mapped.name, "kind": mapped.kind, "features": len(mapped),
                          "notes": mapped.notes}, ensure_ascii=False, indent=2))
        return EXIT_OK
    suggestion = suggest_mapping(layer.gdf, layer.name, args.kind)
    if suggestion.mapping.kind is None:
        return _fail(translate(
            "FieldMappingCli", "{file}: layer '{layer}' does not look like any kind; name one with --kind "
                               "({kinds})").format(file=args.file, layer=layer.name,
                                                             kinds=", ".join(KINDS)))
    if args.write_mapping:
        try:
            suggestion.mapping.save(args.write_mapping)
        except LayerError as exc:
            return _fail(str(exc))
    print(json.dumps({**suggestion.mapping.to_dict(), "confidence": suggestion.confidence,
                      "kind_confidence": suggestion.kind_confidence}, ensure_ascii=False, indent=2))
    return EXIT_OK
