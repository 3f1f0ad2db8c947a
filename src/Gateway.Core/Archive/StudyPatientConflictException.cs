namespace Gateway.Core.Archive;

/// <summary>
/// The index refused to add an instance to a study stored under another patient: an instance of the same new study
/// with another Patient ID became visible between phase 1's check and phase 2.
/// </summary>
public sealed class StudyPatientConflictException : Exception
{
    public StudyPatientConflictException()
    {
    }

    public StudyPatientConflictException(string message)
        : base(message)
    {
    }

    public StudyPatientConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StudyPatientConflictException(PatientIdentity? studyPatient, Exception innerException)
        : base($"The study is stored under patient {studyPatient?.ToString() ?? "(unknown)"}.", innerException) => StudyPatient = studyPatient;

    /// <summary>The patient the study is stored under, when it could be read.</summary>
    public PatientIdentity? StudyPatient { get; }
}
