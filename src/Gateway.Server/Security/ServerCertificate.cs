using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Security;

/// <summary>
/// The certificate HTTPS handshakes present: loaded from Gateway:Https:CertificateFile and KeyFile at start (a file
/// that does not load stops the start, naming it), and again by <see cref="ReloadIfChanged"/> when their bytes change.
/// A change that does not load (a key written before its certificate) is logged and the previous certificate kept.
/// </summary>
public sealed partial class ServerCertificate
{
    private readonly HttpsOptions _options;
    private readonly ILogger<ServerCertificate> _logger;
    private readonly Lock _lock = new();
    private byte[] _seen;
    private volatile Loaded _current;

    public ServerCertificate(IOptions<HttpsOptions> options, ILogger<ServerCertificate> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        try
        {
            _seen = ReadFiles();
            _current = Load();
        }
        catch (Exception exception) when (IsLoadFailure(exception))
        {
            throw new InvalidOperationException(
                $"Gateway:Https: the certificate {_options.CertificateFile} (key {_options.KeyFile ?? "in the same file"}) could not be loaded: {exception.Message}", exception);
        }

        var leaf = _current.Leaf;
        Log.Serving(_logger, _options.Url!, leaf.Subject, leaf.Thumbprint, leaf.NotAfter);
    }

    /// <summary>The server certificate in use now.</summary>
    public X509Certificate2 Leaf => _current.Leaf;

    /// <summary>The certificate in use now with its intermediates, for the TLS handshake.</summary>
    public SslStreamCertificateContext Context => _current.Context;

    /// <summary>Loads the files again if their bytes differ from those last looked at; true when a new certificate is now in use.</summary>
    public bool ReloadIfChanged()
    {
        lock (_lock)
        {
            byte[] files;
            try
            {
                files = ReadFiles();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A file being replaced (briefly absent); looked at again at the next check.
                return false;
            }

            if (files.AsSpan().SequenceEqual(_seen))
            {
                return false;
            }

            _seen = files;
            try
            {
                var loaded = Load();
                var previous = _current.Leaf.Thumbprint;
                _current = loaded;
                var leaf = loaded.Leaf;
                Log.Reloaded(_logger, leaf.Subject, leaf.Thumbprint, leaf.NotAfter, previous);
                return true;
            }
            catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
            {
                var kept = _current.Leaf.Thumbprint;
                Log.ReloadFailed(_logger, _options.CertificateFile!, exception.Message, kept);
                return false;
            }
        }
    }

    /// <summary>Faults of files that are missing, unreadable or not a PEM certificate and its key (ArgumentException: no key found).</summary>
    private static bool IsLoadFailure(Exception exception) =>
        exception is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException;

    private byte[] ReadFiles()
    {
        var certificate = File.ReadAllBytes(_options.CertificateFile!);
        return string.IsNullOrWhiteSpace(_options.KeyFile) ? certificate : [.. certificate, .. File.ReadAllBytes(_options.KeyFile)];
    }

    private Loaded Load()
    {
        var key = string.IsNullOrWhiteSpace(_options.KeyFile) ? null : _options.KeyFile;
        var leaf = X509Certificate2.CreateFromPemFile(_options.CertificateFile!, key);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(_options.CertificateFile!);
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in chain)
        {
            if (certificate.Thumbprint != leaf.Thumbprint)
            {
                intermediates.Add(certificate);
            }
        }

        return new Loaded(leaf, SslStreamCertificateContext.Create(leaf, intermediates, offline: true));
    }

    private sealed record Loaded(X509Certificate2 Leaf, SslStreamCertificateContext Context);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7760, Level = LogLevel.Information, Message = "HTTPS on {Url}: certificate {Subject} (thumbprint {Thumbprint}, valid until {NotAfter})")]
        public static partial void Serving(ILogger logger, string url, string subject, string thumbprint, DateTime notAfter);

        [LoggerMessage(EventId = 7761, Level = LogLevel.Information, Message = "HTTPS certificate reloaded: now {Subject} (thumbprint {Thumbprint}, valid until {NotAfter}), was {Previous}")]
        public static partial void Reloaded(ILogger logger, string subject, string thumbprint, DateTime notAfter, string previous);

        [LoggerMessage(EventId = 7762, Level = LogLevel.Error, Message = "HTTPS certificate {File} changed but does not load ({Reason}): keeping certificate {Thumbprint} until it does")]
        public static partial void ReloadFailed(ILogger logger, string file, string reason, string thumbprint);
    }
}
