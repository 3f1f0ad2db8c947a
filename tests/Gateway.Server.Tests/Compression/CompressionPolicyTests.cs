using Gateway.Core.Compression;
using Microsoft.Extensions.Configuration;

namespace Gateway.Server.Tests.Compression;

/// <summary>Policy matching: the defaults of the issue, the first matching rule winning, every condition, and binding from configuration.</summary>
public sealed class CompressionPolicyTests
{
    private const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";

    [Theory]
    [InlineData("CT", "MONOCHROME2")]
    [InlineData("MR", "MONOCHROME2")]
    [InlineData("CR", "MONOCHROME1")]
    [InlineData("DX", "MONOCHROME1")]
    [InlineData("xa", "monochrome2")]
    public void By_default_monochrome_CT_MR_CR_DX_and_XA_get_the_f16_model_with_a_30_dB_and_0_8_SSIM_gate(string modality, string photometric)
    {
        var action = new CompressionPolicy(new CompressionOptions()).Choose(Subject(modality, photometric));

        Assert.Equal(CompressionAction.Latent("compact-f16-c1", 30, 0.80), action);
    }

    [Theory]
    [InlineData("MG", "MONOCHROME2")]
    [InlineData("CT", "RGB")]
    [InlineData("US", "YBR_FULL_422")]
    [InlineData("XA", "PALETTE COLOR")]
    [InlineData("US", "MONOCHROME2")]
    [InlineData("OT", "MONOCHROME2")]
    [InlineData(null, "MONOCHROME2")]
    [InlineData("CT", null)]
    public void By_default_colour_mammography_and_anything_unknown_are_stored_lossless(string? modality, string? photometric)
    {
        var action = new CompressionPolicy(new CompressionOptions()).Choose(Subject(modality, photometric));

        Assert.Equal(CompressionAction.Lossless, action);
    }

    [Fact]
    public void The_first_matching_rule_wins_and_no_match_means_lossless()
    {
        var options = new CompressionOptions
        {
            Rules =
            [
                new CompressionRule { CallingAETitles = ["RESEARCH"], Action = CompressionActionKind.KeepOriginal },
                new CompressionRule { Modalities = ["CT"], Action = CompressionActionKind.Latent, Model = "compact-f64-c1", MinPsnr = 35 },
                new CompressionRule { Modalities = ["CT", "MR"], Action = CompressionActionKind.Latent },
            ],
        };
        var policy = new CompressionPolicy(options);

        Assert.Equal(CompressionAction.KeepOriginal, policy.Choose(Subject("CT", "MONOCHROME2") with { CallingAE = "RESEARCH  " }));
        Assert.Equal(CompressionAction.Latent("compact-f64-c1", 35, 0.80), policy.Choose(Subject("CT", "MONOCHROME2")));
        Assert.Equal(CompressionAction.Latent("compact-f16-c1", 30, 0.80), policy.Choose(Subject("MR", "MONOCHROME2")));
        Assert.Equal(CompressionAction.Lossless, policy.Choose(Subject("CR", "MONOCHROME2")));
    }

    [Fact]
    public void Every_condition_of_a_rule_must_hold()
    {
        var rule = new CompressionRule
        {
            Modalities = ["CT"],
            SopClassUids = [CtImageStorage],
            CallingAETitles = ["SCANNER1"],
            BodyParts = ["CHEST"],
            PhotometricInterpretations = ["MONOCHROME2"],
            MinRows = 256,
            MaxRows = 1024,
            MinColumns = 256,
            MaxColumns = 1024,
            Action = CompressionActionKind.KeepOriginal,
        };
        var match = new CompressionSubject("CT", CtImageStorage, "SCANNER1", "chest", "MONOCHROME2", 512, 512);

        Assert.True(rule.Matches(match));
        Assert.True(rule.Matches(match with { Rows = 256, Columns = 1024 }));
        Assert.False(rule.Matches(match with { Modality = "MR" }));
        Assert.False(rule.Matches(match with { SopClassUid = "1.2.840.10008.5.1.4.1.1.4" }));
        Assert.False(rule.Matches(match with { CallingAE = "scanner1" }));
        Assert.False(rule.Matches(match with { CallingAE = null }));
        Assert.False(rule.Matches(match with { BodyPartExamined = "HEAD" }));
        Assert.False(rule.Matches(match with { PhotometricInterpretation = "MONOCHROME1" }));
        Assert.False(rule.Matches(match with { Rows = 255 }));
        Assert.False(rule.Matches(match with { Rows = 1025 }));
        Assert.False(rule.Matches(match with { Columns = 255 }));
        Assert.False(rule.Matches(match with { Columns = 1025 }));
    }

    [Fact]
    public void Options_bind_from_the_Gateway_Compression_section_with_double_underscore_environment_names()
    {
        var prefix = "MEDVAE_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        var variables = new Dictionary<string, string>
        {
            ["GATEWAY__COMPRESSION__ENABLED"] = "false",
            ["GATEWAY__COMPRESSION__RETENTIONDAYS"] = "7",
            ["GATEWAY__COMPRESSION__RULES__0__MODALITIES__0"] = "US",
            ["GATEWAY__COMPRESSION__RULES__0__ACTION"] = "KeepOriginal",
            ["GATEWAY__COMPRESSION__RULES__1__MODALITIES__0"] = "CT",
            ["GATEWAY__COMPRESSION__RULES__1__MAXROWS"] = "600",
            ["GATEWAY__COMPRESSION__RULES__1__ACTION"] = "Latent",
            ["GATEWAY__COMPRESSION__RULES__1__MINPSNR"] = "36.5",
        };
        foreach (var (name, value) in variables)
        {
            Environment.SetEnvironmentVariable(prefix + name, value);
        }

        CompressionOptions options;
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            options = configuration.GetSection(CompressionOptions.SectionName).Get<CompressionOptions>()!;
        }
        finally
        {
            foreach (var name in variables.Keys)
            {
                Environment.SetEnvironmentVariable(prefix + name, null);
            }
        }

        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromDays(7), options.Retention);
        Assert.Equal(2, options.Rules.Count);
        var policy = new CompressionPolicy(options);
        Assert.Equal(CompressionAction.KeepOriginal, policy.Choose(Subject("US", "MONOCHROME2")));
        Assert.Equal(CompressionAction.Latent("compact-f16-c1", 36.5, 0.80), policy.Choose(Subject("CT", "MONOCHROME2")));
        Assert.Equal(CompressionAction.Lossless, policy.Choose(Subject("CT", "MONOCHROME2") with { Rows = 601 }));
    }

    [Fact]
    public void The_gate_passes_only_when_both_PSNR_and_SSIM_reach_their_minimum()
    {
        var action = CompressionAction.Latent("m", 30, 0.8);

        Assert.True(action.Passes(new QualityMeasure(30, 0.8)));
        Assert.False(action.Passes(new QualityMeasure(29.99, 0.99)));
        Assert.False(action.Passes(new QualityMeasure(45, 0.79)));
    }

    private static CompressionSubject Subject(string? modality, string? photometric) =>
        new(modality, CtImageStorage, "MODALITY", null, photometric, 512, 512);
}
