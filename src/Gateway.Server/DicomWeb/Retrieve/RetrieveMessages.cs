using Gateway.Core.Archive;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>Texts of the retrieve endpoints' error answers.</summary>
internal static class RetrieveMessages
{
    public static string NothingAt(RetrieveScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return scope switch
        {
            { SopInstanceUid: { } instance } => $"No instance {instance} in series {scope.SeriesInstanceUid} of study {scope.StudyInstanceUid}.",
            { SeriesInstanceUid: { } series } => $"No series {series} in study {scope.StudyInstanceUid}.",
            _ => $"No study {scope.StudyInstanceUid}.",
        };
    }
}
