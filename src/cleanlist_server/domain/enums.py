"""The closed vocabularies of the API contract (seeds' field reference tables).

Every value here appears verbatim in responses, in the OpenAPI schema and in ICP
profiles, so they are plain ``StrEnum``s whose values are the wire strings.
"""

from enum import StrEnum


class Seniority(StrEnum):
    ENTRY = "entry"
    INDIVIDUAL_CONTRIBUTOR = "individual_contributor"
    MANAGER = "manager"
    DIRECTOR = "director"
    VP = "vp"
    C_LEVEL = "c_level"
    OWNER = "owner"


class Department(StrEnum):
    EXECUTIVE = "Executive"
    SALES = "Sales"
    MARKETING = "Marketing"
    ENGINEERING = "Engineering"
    PRODUCT = "Product"
    DESIGN = "Design"
    DATA = "Data"
    IT = "IT"
    OPERATIONS = "Operations"
    FINANCE = "Finance"
    HR = "HR"
    LEGAL = "Legal"
    CUSTOMER_SUCCESS = "Customer Success"
    RESEARCH = "Research"
    OTHER = "Other"


class PhoneType(StrEnum):
    DIRECT_DIAL = "direct_dial"
    MOBILE = "mobile"
    HQ_SWITCHBOARD = "hq_switchboard"


class EmailStatus(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    RISKY = "risky"
    CATCH_ALL = "catch-all"
    DISPOSABLE = "disposable"
    ROLE_BASED = "role-based"
    UNKNOWN = "unknown"


class CompanySize(StrEnum):
    """Employee-count bands, exactly the seed's."""

    S_1_10 = "1-10"
    S_11_50 = "11-50"
    S_51_200 = "51-200"
    S_201_500 = "201-500"
    S_501_1000 = "501-1000"
    S_1001_5000 = "1001-5000"
    S_5001_PLUS = "5001+"


class CompanyRevenue(StrEnum):
    """Annual revenue bands in the seed's style ('$10M-$25M', '$50M-$100M')."""

    R_0_1M = "$0-$1M"
    R_1M_5M = "$1M-$5M"
    R_5M_10M = "$5M-$10M"
    R_10M_25M = "$10M-$25M"
    R_25M_50M = "$25M-$50M"
    R_50M_100M = "$50M-$100M"
    R_100M_250M = "$100M-$250M"
    R_250M_500M = "$250M-$500M"
    R_500M_1B = "$500M-$1B"
    R_1B_10B = "$1B-$10B"
    R_10B_PLUS = "$10B+"
