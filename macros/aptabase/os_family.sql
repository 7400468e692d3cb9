{#- OS family from Aptabase's os_name. Desktop SDKs send `Windows`, `macOS`, or the Linux
    distribution's own name (`Ubuntu`, `Linux Mint`, `Fedora Linux`, ...) or `Flatpak`:
    every distribution and Flatpak is `Linux`. Mobile SDKs send iOS / iPadOS / Android. -#}
{% macro linux_os_name_pattern() -%}
    linux|gnu|flatpak|snap|appimage|ubuntu|debian|fedora|arch|mint|manjaro|cachyos|endeavour|pop!?_os|suse|nixos|gentoo|zorin|elementary|kali|rocky|alma|centos|red ?hat|rhel|void|solus|deepin|garuda|neon|steamos|bazzite|nobara|tuxedo|slackware|alpine|raspbian|mx|parrot|peppermint|artix|bodhi|kde|freedesktop
{%- endmacro %}

{% macro os_family(column) -%}
    case
        when nullif(trim({{ column }}), '') is null then 'Other'
        when lower({{ column }}) like 'windows%' then 'Windows'
        when lower({{ column }}) in ('macos', 'mac os', 'mac os x', 'os x', 'osx', 'darwin')
            or lower({{ column }}) like 'macos%' then 'macOS'
        when lower({{ column }}) in ('ios', 'ipados', 'iphone os') then 'iOS'
        when lower({{ column }}) like 'android%' then 'Android'
        when regexp_matches(lower({{ column }}), '{{ linux_os_name_pattern() }}') then 'Linux'
        else 'Other'
    end
{%- endmacro %}
