"""File formats shared by several parts of tfgraph: CRC-32C and TFRecord framing."""
