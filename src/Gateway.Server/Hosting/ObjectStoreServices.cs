using System.ComponentModel.DataAnnotations;
using Gateway.Core.Storage;
using Gateway.Infrastructure.Storage;
using Gateway.Infrastructure.Storage.S3;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>Registers the object store that Gateway:ObjectStore:Kind names: the objects folder under the data folder, or an S3 bucket.</summary>
public static class ObjectStoreServices
{
    public static IServiceCollection AddGatewayObjectStore(this IServiceCollection services)
    {
        services.AddOptions<ObjectStoreOptions>().BindConfiguration(ObjectStoreOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ObjectStoreOptions>, ObjectStoreOptionsValidation>();
        services.AddSingleton<IObjectStore>(provider => Create(
            provider.GetRequiredService<IOptions<ObjectStoreOptions>>().Value, provider.GetRequiredService<IOptions<GatewayOptions>>().Value));
        return services;
    }

    /// <summary>The store the settings name (also for the command-line tools).</summary>
    public static IObjectStore Create(ObjectStoreOptions options, GatewayOptions gateway)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gateway);
        return options.Kind == ObjectStoreKind.S3
            ? new S3ObjectStore(S3Clients.Create(options.S3), options.S3)
            : new FileSystemObjectStore(gateway.ObjectsDirectory);
    }

    private sealed class ObjectStoreOptionsValidation : IValidateOptions<ObjectStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, ObjectStoreOptions options)
        {
            if (options.Kind != ObjectStoreKind.S3)
            {
                return ValidateOptionsResult.Success;
            }

            var problems = new List<ValidationResult>();
            Validator.TryValidateObject(options.S3, new ValidationContext(options.S3), problems, validateAllProperties: true);
            var failures = problems.Select(problem => $"{ObjectStoreOptions.SectionName}:S3: {problem.ErrorMessage}").ToList();
            if (string.IsNullOrWhiteSpace(options.S3.Bucket))
            {
                failures.Add($"{ObjectStoreOptions.SectionName}:S3:Bucket is required when {ObjectStoreOptions.SectionName}:Kind is S3.");
            }

            if (!string.IsNullOrEmpty(options.S3.AccessKeyId) && string.IsNullOrEmpty(options.S3.SecretAccessKey))
            {
                failures.Add($"{ObjectStoreOptions.SectionName}:S3:AccessKeyId needs SecretAccessKey beside it.");
            }

            if (!string.IsNullOrWhiteSpace(options.S3.ServiceUrl) && !Uri.TryCreate(options.S3.ServiceUrl, UriKind.Absolute, out _))
            {
                failures.Add($"{ObjectStoreOptions.SectionName}:S3:ServiceUrl must be an absolute URL (http://127.0.0.1:7480).");
            }

            if (options.S3.Prefix.Length > 0 && !options.S3.Prefix.EndsWith('/'))
            {
                failures.Add($"{ObjectStoreOptions.SectionName}:S3:Prefix must end with '/' (gateway/).");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
