'use strict';
// Django's URLify (admin/js/urlify.js), which fills a slug from the title as it is typed,
// drops Vietnamese letters it has no entry for and spells đ as "dj": "Kế hoạch ... Đồng Tháp"
// gave "k-hoch-...-djng-thap". Fold the text first as archive.text.vn_slugify does on the
// server: đ to d, then every diacritic dropped (NFKD), and a number's slash a separator
// ("1614/KH-UBND" gave "1614kh-ubnd").
{
    const urlify = window.URLify;
    window.URLify = function(text, maxLength, allowUnicode) {
        const folded = text
            .replace(/đ/g, 'd')
            .replace(/Đ/g, 'D')
            .normalize('NFKD')
            .replace(/[\u0300-\u036f]/g, '')
            .replace(/\//g, ' ');
        return urlify(folded, maxLength, allowUnicode);
    };
}
