namespace Gateway.Compression.Models;

/// <summary>A model folder the registry did not load, and why (a file whose sha256 differs from model.json, a bad manifest, ...).</summary>
public sealed record RefusedModel(string Directory, string Reason);
