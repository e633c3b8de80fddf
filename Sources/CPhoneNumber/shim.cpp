// libphonenumber behind a C function. PhoneNumberUtil is a process-wide singleton, built once (its metadata is
// compiled in) and safe to use from several threads: parsing and validation only read it.
#include "CPhoneNumber.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <string>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

int pg_phone_check(const char *text, size_t length, const char *region) {
    static const PhoneNumberUtil *const util = PhoneNumberUtil::GetInstance();
    if (text == nullptr || region == nullptr) return 0;
    std::string number(text, length);
    PhoneNumber parsed;
    if (util->Parse(number, region, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return 0;
    if (util->IsValidNumber(parsed)) return 2;
    return util->IsPossibleNumber(parsed) ? 1 : 0;
}

int pg_phone_is_valid(const char *text, size_t length, const char *region) {
    return pg_phone_check(text, length, region) == 2 ? 1 : 0;
}
