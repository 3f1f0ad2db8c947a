namespace Gateway.Compression.Engine;

/// <summary>The engine has no model with the id asked for, or its model of that id is not the one a container was made with.</summary>
public sealed class LatentModelUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="modelId"/>.</summary>
    public LatentModelUnavailableException(string modelId, string message)
        : base(message) => ModelId = modelId;

    /// <summary>The model id asked for.</summary>
    public string ModelId { get; }
}
