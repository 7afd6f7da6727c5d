import Tensors

/// Parameter names of the PyTorch peer (../shared/peers/rlr_torch.py, which follows the official
/// layout) and rlr's keys, one reviewed table of name components. Lets a user import weights
/// trained in PyTorch, and tests compare against the peer.
public enum PeerNames {
    /// Peer component -> rlr key component(s). `lca`/`mlka` are the two attentions of the default
    /// RLR layer (blocks 2*LCA + 1*MLKA).
    static let components: [String: String] = [
        "ref_embed": "referenceEmbed", "ref": "reference", "proj": "projection",
        "fc1": "feedForward.first", "fc2": "feedForward.second",
        "lca": "attentions.0", "mlka": "attentions.1",
        "q": "query", "k": "key", "v": "value", "o": "output",
    ]

    /// The rlr key for a peer parameter name (`levels.0.layers.1.lca.q.weight` ->
    /// `levels.0.layers.1.attentions.0.query.weight`).
    public static func rlrKey(_ peerKey: String) -> String {
        peerKey.split(separator: ".").map { components[String($0)] ?? String($0) }.joined(separator: ".")
    }

    /// A peer state dict renamed to rlr keys.
    public static func rlrStateDict(_ peer: [String: Tensor]) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: peer.map { (rlrKey($0.key), $0.value) })
    }
}
