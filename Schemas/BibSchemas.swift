/// The schemas bibkit writes against (and the one it reads CSL-JSON inputs against), embedded in the binary so the installed CLI needs
/// nothing beside it.
public enum BibSchemas {
    /// Our JSON Schema for the CSL-JSON bibkit writes (`Schemas/csl-data.bibkit.json`).
    public static var cslJSON: [UInt8] { PackageResources.csl_data_bibkit_json }

    /// Our JSON Schema for CSL-JSON inputs (`Schemas/csl-data-input.bibkit.json`): what the
    /// CSL 1.0.2 specification allows (years as strings or numbers, raw and literal dates,
    /// string-or-number variables), a superset of the official `csl-data.json`. `bibkit
    /// validate` checks inputs against it; ``cslJSON`` stays for checking bibkit's output.
    public static var cslJSONInput: [UInt8] { PackageResources.csl_data_input_bibkit_json }

    /// Our XML Schema for the JATS subset bibkit writes (`Schemas/jats-ref-list.bibkit.xsd`).
    public static var jatsRefList: [UInt8] { PackageResources.jats_ref_list_bibkit_xsd }
}
